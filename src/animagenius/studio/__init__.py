"""The studio: projects, uploads, render jobs and their progress."""
