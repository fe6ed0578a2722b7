"""The English phrase book."""

import re

from animagenius.pipeline.script.phrases import CI, Phrases, opening, words

PHRASES = Phrases(
    code="en",
    name="English",
    stemmer="english",
    and_word="and",
    what_is=("What is {subject}?", "What are {subject}?"),
    transitions=(
        "Let’s start with {topic}.",
        "Next, let’s look at {topic}.",
        "Finally, let’s look at {topic}.",
    ),
    recap="To sum up: {items}.",
    goals="In this lesson, you will learn about {items}.",
    check="Quick check: {question} Think about your answer before the summary.",
    closings={
        "explainer": "And that is {subject}, in a nutshell.",
        "summary": "That is {subject}, in brief.",
        "lesson": "Now try explaining {subject} in your own words.",
        "promo": "Discover {subject} today.",
    },
    titles={"recap": "In short", "check": "Check yourself", "closing": "Key takeaway"},
    function_words=words(
        """a about above after again against all also am an and any are as at be because been before being
        below between both but by can could did do does doing down during each either few for from further
        had has have having he her here hers herself him himself his how i if in into is it its itself just
        let like may me might more most must my myself no nor not now of off on once only or other our ours
        out over own same shall she should so some such than that the their theirs them themselves then there
        these they this those through to too under until up upon us very via was we were what when where
        which while who whom why will with within without would you your yours also even still yet however
        thus therefore hence etc per since although though whether whose onto unless every
        another several"""
    ),
    leans_back=opening(
        r"this|that|these|those|it|its|they|their|them|he|she|his|her|such|here|there|the latter|the former|"
        r"both|either|neither|another|likewise|otherwise|but|and|or|nor|yet|also|although|though|which|"
        r"as shown|as described|as mentioned|see|at this point|in this case|in that case|to this end|"
        r"for this reason|in these cases|in such cases|after that|with this|in the example|in our example|"
        r"as part of this|so|thus|hence|therefore|let's|let us|"
        r"(?:some|many|most|all|each|one|none|several|few|any|both) of (?:them|these|those|which)|"
        r"\w+ing (?:these|those|this|that|them|it)"
    ),
    connective=re.compile(
        r"^(?:however|moreover|furthermore|in addition|additionally|also|thus|therefore|hence|finally|"
        r"first|second|third|similarly|consequently|instead|indeed|in fact|in particular|for example|"
        r"for instance|as a result|in contrast|by contrast|on the other hand|in other words|of course|"
        r"then|next|now|so|but|and)\s*,\s*",
        CI,
    ),
    defining=(
        re.compile(r"^(?P<subject>[^,;:()]{2,60}?) (?P<verb>is|are) (?:a|an|the|one of)\b"),
        re.compile(r"^(?P<subject>[^,;:()]{2,60}?),? (?P<verb>lets|allows|enables|helps)\b"),
    ),
    self_introduction=opening(
        r"this is (?:a|an|the) (?:pep|paper|document|proposal|guide|report|study|review|tutorial)|"
        r"(?:this|the present) (?:pep|paper|document|article|report|proposal|guide|project|library|"
        r"repository|tool|book|chapter|study|review|thesis|form|tutorial|post|talk) "
        r"(?:is|presents|proposes|describes|introduces|explains|defines|specifies|gives|provides|"
        r"shows|lets|allows|covers|discusses|described|presented|proposed|introduced|showed|explained)|"
        r"we (?:present|propose|describe|introduce|show|presented|proposed|described|introduced|showed)"
    ),
    conclusion_heading=re.compile(r"(?:conclusions?|summary|in summary|closing remarks|outlook)\b", CI),
    generic_heading=re.compile(
        r"(?:introduction|overview|background|abstract|summary|conclusions?|motivation|rationale|"
        r"discussion|preliminaries|related work|future work|getting started|contents)\b",
        CI,
    ),
    these_ideas="these ideas",
    recall="What are the main ideas you just heard?",
    plain_closing="That is the essence of it.",
    benefit=re.compile(
        r"\b(?:faster|easier|simpler|better|saves?|free|without|up to \d|\d+(?:\.\d+)?\s?(?:x|"
        r"times)\b|lets you|helps you|improv\w+|reduc\w+|speeds? up)",
        CI,
    ),
    refers_back=re.compile(
        r"\b(?:this|that) (?:assumes|means|implies|requires|allows|lets|ensures|gives|makes|will|"
        r"would)\b|\bin (?:both|either|each of these|these|those|such) cases\b|\b(?:the|this|that|"
        r"these|those) (?:former|latter)\b"
        r"|\b(?:this|these|such) (?!as\b|a\b|an\b|paper|papers|document|pep|article|report|proposal|guide|"
        r"book|chapter|"
        r"section|study|work|project|library|tool|page|video|year|time|way)[a-z]+",
        CI,
    ),
    determiners=words("the a an its their our your his her each every another"),
    articles=words("the"),
)
