"""Texts to load, and loading them, for the tests of the loader."""

from pathlib import Path

from archive.ingest.services import articles_load

DUTCH = (
    "Heel veel sojabonen\n\n"
    "China en de VS hebben donderdag besprekingen afgesloten die volgens de Amerikaanse "
    "president kunnen leiden tot de grootste deal ooit gesloten. Dan doelt hij op een "
    "overeenkomst die een einde moet maken aan de huidige handelsoorlog tussen beide landen.\n"
)
FRENCH_STORY = " ".join(
    [
        "Les discussions portent sur les restrictions chinoises à l’exportation de terres rares,",
        "des minerais stratégiques indispensables à la production de batteries et d’éoliennes.",
        "Les tensions se sont accrues début octobre, lorsque Pékin a imposé des licences",
        "obligatoires pour l’exportation de terres rares et de technologies connexes, en réponse",
        "à l’élargissement par Washington de sa liste noire d’entreprises chinoises. Les",
        "États-Unis ont dénoncé une attaque contre les chaînes d’approvisionnement mondiales.",
    ]
)


def write(folder, name, content):
    path = Path(folder) / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return path


def load(*paths, **options):
    return list(articles_load(paths=list(paths), **options))


def statuses(outcomes):
    return [outcome.status for outcome in outcomes]
