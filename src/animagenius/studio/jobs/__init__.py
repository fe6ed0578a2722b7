"""The job runtime: queue, execution, dispatch, workers, the segment farm and the progress stream.

Dependencies point one way: execute -> results -> queue -> dispatch/states/selectors; nothing here imports
studio.services or studio.views (they call in).
"""
