"""Imports every module that defines tables, so Alembic and create_all see the whole schema."""

from bot import audit as audit_models  # noqa: F401  (the audit log)
from bot.admin import models as admin_models  # noqa: F401  (also analytics and training tables)
from bot.applications import models as application_models  # noqa: F401
from bot.feedback import models as feedback_models  # noqa: F401  (petitions; bot.applications.models below)
from bot.knowledge import models as knowledge_models  # noqa: F401
from bot.understanding import models as understanding_models  # noqa: F401
