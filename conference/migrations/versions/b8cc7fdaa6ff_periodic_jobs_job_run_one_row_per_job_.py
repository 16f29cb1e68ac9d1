"""Periodic jobs: job_run, one row per job (runs, failures, last run) for healthz and metrics

Revision ID: b8cc7fdaa6ff
Revises: 5d2f8b7c1a90
Create Date: 2026-12-07 12:55:02.486660

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b8cc7fdaa6ff'
down_revision = '5d2f8b7c1a90'
branch_labels = None
depends_on = None


def upgrade():
    # One row per periodic job: when it last ran and how, for /healthz and /metrics.
    op.create_table(
        'job_run',
        sa.Column('name', sa.String(length=64), nullable=False),
        sa.Column('runs', sa.Integer(), nullable=False),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.Column('last_started_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_succeeded', sa.Boolean(), nullable=True),
        sa.Column('last_count', sa.Integer(), nullable=True),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_job_run')),
    )


def downgrade():
    op.drop_table('job_run')
