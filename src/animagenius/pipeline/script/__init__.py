"""Writing the script: the offline writer (`offline`) and what it builds on — the phrase book of each language
(`language`), the cleaning of sentences for the ear (`clean`), key terms (`terms`), scored candidate sentences
(`candidates`), timing (`fit`), the framing scenes (`framing`), bullets (`bullets`) and what data says
(`data`)."""
