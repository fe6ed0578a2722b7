from celery import shared_task

from animagenius.studio.services import render_job_execute, script_job_execute


@shared_task(acks_late=True, reject_on_worker_lost=True, name="studio.script_job_run")
def script_job_run(job_id: str) -> None:
    script_job_execute(job_id=job_id)


@shared_task(acks_late=True, reject_on_worker_lost=True, name="studio.render_job_run")
def render_job_run(job_id: str) -> None:
    render_job_execute(job_id=job_id)
