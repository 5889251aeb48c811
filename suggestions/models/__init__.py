from suggestions.models.opinions import (  # noqa: F401
    Channel,
    Opinion,
    OpinionEvent,
    OpinionPhoto,
    OpinionStatus,
    Rating,
)
from suggestions.models.units import Category, HandlingUnit, UnitKind  # noqa: F401
