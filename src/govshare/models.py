"""Imports every domain's ORM models so that Base.metadata knows all tables."""

from govshare.attachments import models as attachment_models  # noqa: F401
from govshare.audit import models as audit_models  # noqa: F401
from govshare.calendar import models as calendar_models  # noqa: F401
from govshare.catalogue import models as catalogue_models  # noqa: F401
from govshare.datastore import job_models as datastore_job_models  # noqa: F401
from govshare.datastore import models as datastore_models  # noqa: F401
from govshare.governance import (
    annual_report_models,  # noqa: F401
    complaint_models,  # noqa: F401
    evaluation_models,  # noqa: F401
    material_models,  # noqa: F401
    rectification_models,  # noqa: F401
)
from govshare.governance import models as governance_models  # noqa: F401
from govshare.jobs import models as jobs_models  # noqa: F401
from govshare.notify import models as notify_models  # noqa: F401
from govshare.orgs import models as orgs_models  # noqa: F401
from govshare.quality import (
    error_report_models,  # noqa: F401
    verification_models,  # noqa: F401
)
from govshare.quality import models as quality_models  # noqa: F401
from govshare.sharing import application_models  # noqa: F401
from govshare.sharing import models as sharing_models  # noqa: F401
