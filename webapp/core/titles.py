"""The two catering titles a group can prepare, and how the bank's competencies map to their CCPs.

Every question is tagged with one competency of the title *Agent de restauration* (AR, RNCP
arrêté of 11 April 2016: four CCPs, ten competencies; source S1). Its successor *Employé polyvalent
en restauration* (EPR, RNCP 38663, level 3, registered until 4 June 2029; source S2) covers the
same work in three parts: producing (pre-treatment, starters, hot dishes, snacking, desserts,
reheating, cooking to order, plating), serving customers at the distribution points, and cleaning.
[check] The EPR's CCP wording and the exact split below were not confirmed against France
Compétences' page: the mapping follows the activities it lists, and the labels say so.

A CCP's scope key is what URLs, assignments and mock-exam results use: "1".."4" for AR (kept from
before there were two titles), "epr1".."epr3" for EPR.
"""

from dataclasses import dataclass

from webapp.core.i18n import lazy_gettext as _l

PREPARE = "Préparer les matières premières alimentaires"
ASSEMBLE = "Assembler et dresser hors-d'œuvre et desserts"
REHEAT = "Remettre en température des plats cuisinés à l'avance"
GRILL = "Réaliser des grillades minute"
CONTINUITY = "Maintenir la continuité du service"
RESTOCK = "Approvisionner et présenter les points de distribution"
WELCOME = "Accueillir et servir les clients"
CASHIER = "Encaisser les plateaux"
DISHWASH = "Réaliser la plonge"
CLEAN = "Nettoyer et entretenir les locaux et le matériel"
COMPETENCIES = (
    PREPARE,
    ASSEMBLE,
    REHEAT,
    GRILL,
    CONTINUITY,
    RESTOCK,
    WELCOME,
    CASHIER,
    DISHWASH,
    CLEAN,
)


@dataclass(frozen=True)
class Unit:
    """One CCP of a title: the scope key, its name and the competencies it assesses."""

    scope: str
    name: object  # a lazy string
    competencies: tuple[str, ...]


@dataclass(frozen=True)
class Title:
    code: str
    name: str  # the title's official French name: never translated
    reference: str
    units: tuple[Unit, ...]

    @property
    def scopes(self) -> tuple[str, ...]:
        return tuple(unit.scope for unit in self.units)

    def unit_of(self, competency: str | None) -> Unit | None:
        return next((unit for unit in self.units if competency in unit.competencies), None)


AR = Title(
    "AR",
    "Agent de restauration",
    "TP-00208",
    (
        Unit("1", _l("CCP 1 · Starters and desserts"), (PREPARE, ASSEMBLE)),
        Unit("2", _l("CCP 2 · Grills and reheating"), (REHEAT, GRILL, CONTINUITY)),
        Unit("3", _l("CCP 3 · Self-service and customers"), (RESTOCK, WELCOME, CASHIER)),
        Unit("4", _l("CCP 4 · Dishwashing and cleaning"), (DISHWASH, CLEAN)),
    ),
)
EPR = Title(
    "EPR",
    "Employé polyvalent en restauration",
    "RNCP 38663",
    (
        Unit(
            "epr1", _l("EPR · Cooking and plating"), (PREPARE, ASSEMBLE, REHEAT, GRILL, CONTINUITY)
        ),
        Unit("epr2", _l("EPR · Serving customers"), (RESTOCK, WELCOME, CASHIER)),
        Unit("epr3", _l("EPR · Cleaning and dishwashing"), (DISHWASH, CLEAN)),
    ),
)
TITLES = {title.code: title for title in (AR, EPR)}
DEFAULT = AR.code  # groups that existed before the choice prepared AR
UNITS = {unit.scope: unit for title in TITLES.values() for unit in title.units}


def title(code: str | None) -> Title:
    return TITLES.get(code or DEFAULT, AR)


def unit_scope(code: str | None, competency: str | None) -> str | None:
    """The scope key of the CCP that assesses `competency` in title `code`."""
    unit = title(code).unit_of(competency)
    return unit.scope if unit else None


def choices() -> list[tuple[str, str]]:
    """The titles a group can prepare, for a form: their official French names."""
    return [(code, f"{item.name} ({item.reference})") for code, item in TITLES.items()]


def exam_plan(code: str | None, size: int) -> list[tuple[Unit, int]]:
    """How many questions each CCP gets in a mock exam of `size`: as equal as can be."""
    units = title(code).units
    share, extra = divmod(size, len(units))
    return [(unit, share + (index < extra)) for index, unit in enumerate(units)]
