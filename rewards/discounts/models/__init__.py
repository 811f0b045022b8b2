from .schedule import DiscountSchedule, TenureBand, VolumeBracket

__all__ = ["DiscountSchedule", "TenureBand", "VolumeBracket"]
