from suggestions.models.opinions import (  # noqa: F401
    Channel,
    EventKind,
    Opinion,
    OpinionEvent,
    OpinionNotice,
    OpinionPhoto,
    OpinionStatus,
    Rating,
)
from suggestions.models.units import Category, HandlingUnit, UnitKind  # noqa: F401
