"""Invented names, built from made-up syllables.

Why syllables rather than a list of names: a list of real forenames and surnames, combined at random,
produces real people's names (and the README promises the repository holds no real data). Every name
here is a concatenation of syllables from the tables below, so a test can check that a name could only
have come from this generator (`is_generated_name`), and the unusual clusters keep them from reading
as real names."""
from __future__ import annotations

import re

import numpy as np

# Forename and surname syllables. Deliberately odd combinations (e.g. "zyv", "qel") so that no
# concatenation reads as a common English name.
FORE_START = ("Ab", "Bri", "Cay", "Dov", "Ely", "Fen", "Gwy", "Hal", "Iv", "Jor", "Kes", "Lio", "Mir",
              "Nol", "Oz", "Pry", "Quil", "Ros", "Syl", "Tav", "Ul", "Vey", "Wyn", "Xan", "Yar", "Zel")
FORE_MID = ("a", "e", "i", "o", "y", "ae", "io", "ua")
FORE_END = ("bryn", "dra", "fin", "lis", "mar", "nix", "ra", "sel", "ten", "vy", "wen", "zo", "quin",
            "thea", "rik", "lune")
SUR_START = ("Brack", "Corv", "Drel", "Esk", "Farn", "Glim", "Harv", "Isk", "Jask", "Kerr", "Lund",
             "Morv", "Nesk", "Orl", "Pell", "Quarn", "Rusk", "Starn", "Thorv", "Umb", "Vask", "Wend",
             "Yorv", "Zyv")
SUR_END = ("ley", "wick", "mere", "dale", "ford", "holt", "by", "stow", "combe", "thwaite", "ridge",
           "well", "worth", "hurst", "gate", "wyn", "qel", "ard")

_FORE_RE = re.compile("^(?:%s)(?:%s)?(?:%s)$" % ("|".join(FORE_START), "|".join(FORE_MID),
                                                 "|".join(sorted(FORE_END, key=len, reverse=True))))
_SUR_RE = re.compile("^(?:%s)(?:%s)(?:-(?:%s)(?:%s))?$" % (
    "|".join(SUR_START), "|".join(SUR_END), "|".join(SUR_START), "|".join(SUR_END)))


def forenames(rng: np.random.Generator, n: int) -> np.ndarray:
    start = np.asarray(FORE_START, dtype=object)[rng.integers(0, len(FORE_START), n)]
    mid = np.asarray(("",) * 4 + FORE_MID, dtype=object)[rng.integers(0, len(FORE_MID) + 4, n)]
    end = np.asarray(FORE_END, dtype=object)[rng.integers(0, len(FORE_END), n)]
    return start + mid + end


def surnames(rng: np.random.Generator, n: int) -> np.ndarray:
    start = np.asarray(SUR_START, dtype=object)[rng.integers(0, len(SUR_START), n)]
    end = np.asarray(SUR_END, dtype=object)[rng.integers(0, len(SUR_END), n)]
    names = start + end
    double = rng.random(n) < 0.05
    if double.any():
        k = int(double.sum())
        s2 = np.asarray(SUR_START, dtype=object)[rng.integers(0, len(SUR_START), k)]
        e2 = np.asarray(SUR_END, dtype=object)[rng.integers(0, len(SUR_END), k)]
        names[double] = names[double] + "-" + s2 + e2
    return names


def full_names(rng: np.random.Generator, n: int) -> np.ndarray:
    return forenames(rng, n) + " " + surnames(rng, n)


def is_generated_forename(name: str) -> bool:
    return bool(_FORE_RE.match(name))


def is_generated_surname(name: str) -> bool:
    return bool(_SUR_RE.match(name))


def is_generated_name(name: str) -> bool:
    """True when `name` ("Forename Surname") could have come from this generator."""
    parts = name.split(" ")
    return len(parts) == 2 and is_generated_forename(parts[0]) and is_generated_surname(parts[1])
