"""40 AMDPARs of the real daily issue FR-2024-02-12, stratified over 14 of its 16 documents with AMDPARs (FAA, FDA, HUD,
DOJ, Coast Guard, EPA, CMS, ACF, VA, NOAA, FWS, FCC) and over the actions, with the instruction fields expected
by READING each AMDPAR (not by running the parser). Keyed by (document number, AMDPAR ordinal in the document);
each step is (action, targets, new_targets, old_words, new_words); targets compare as a set.

Keys follow the eCFR parser's shapes: ``1006.101 ¶1`` for a section's introductory text, ``Part 39 Authority``,
``22.6 "Incidental take"`` for a definition, ``3.114 Authority`` for a section's own authority citation.
"""

from __future__ import annotations

Step = tuple[str, tuple[str, ...], tuple[str, ...], str | None, str | None]


def step(action: str, *targets: str, new: tuple[str, ...] = (), old_words: str | None = None,
         new_words: str | None = None) -> Step:
    return (action, targets, new, old_words, new_words)


def paras(section: str, *labels: str) -> tuple[str, ...]:
    return tuple(f"{section}{label}" for label in labels)


HAND_CHECKED: dict[tuple[str, int], list[Step]] = {
    # FAA (final rule and a proposed one share the shape)
    ("2024-02930", 1): [step("context", "Part 39 Authority")],
    ("2024-02930", 2): [step("add", "39.13")],
    # FDA
    ("2024-02741", 1): [step("revise", "Part 601 Authority")],
    ("2024-02741", 2): [step("add", "601.2(g)")],
    # HUD
    ("2024-02447", 2): [step("add", *(f'1006.10 "{t}"' for t in (
        "Annual income", "Income", "NAHASDA", "Person with a disability", "Project-based rental assistance")))],
    ("2024-02447", 3): [step("revise", "1006.101 ¶1", "1006.101(c)", "1006.101(d)")],
    ("2024-02447", 6): [step("remove", "1006.210(g)"), step("redesignate", "1006.210(h)", new=("1006.210(g)",))],
    ("2024-02447", 12): [step("revise-reference", "1006.230(f)", old_words="§§ 1006.370 and 1006.375",
                              new_words="§§ 1006.370, 1006.375, and 1006.377")],
    ("2024-02447", 20): [step("revise-words", "1006.350(a)", old_words="decisionmaking", new_words="decision-making")],
    ("2024-02447", 23): [step("revise", "1006.410(a)(2)"), step("add", "1006.410(a)(3)"),
                         step("revise", "1006.410(c)(1)")],
    ("2024-02447", 24): [step("revise", "1006.420(c)")],  # "add a heading to paragraph (c)" revises (c)
    # DOJ, Coast Guard
    ("2024-02829", 2): [step("revise", "85.5")],
    ("2024-02701", 2): [step("add", "165.T11-157")],
    ("2024-02703", 2): [step("add", "165.715")],
    # EPA: an entry of a table in a section, and a paragraph of one State's entry in an appendix
    ("2024-02700", 2): [step("add", "52.370(c)(130)")],
    ("2024-02700", 3): [step("add", "52.385 Table 52.385 [22a–174–1]")],
    ("2024-02700", 5): [step("add", "Appendix A to Part 70 [Connecticut] (b)")],
    ("2024-02787", 2): [step("add", "180.1406")],
    # CMS
    ("2024-02705", 2): [step("revise-words", "414.1405(b)(9)(iii)", old_words="2025 MIPS payment year",
                             new_words="2026 MIPS payment year")],
    ("2024-02705", 5): [step("remove", *paras("424.541", "(a)(2)(ii)(B)(3)", "(a)(2)(ii)(B)(4)", "(a)(2)(ii)(B)(5)"))],
    ("2024-02705", 6): [step("add", *paras("424.541", "(a)(3)", "(a)(4)", "(a)(5)"))],
    # ACF
    ("2024-02110", 1): [step("revise", "Chapter III")],
    ("2024-02110", 9): [step("add-words", "309.85(a)(5)", new_words="and")],
    ("2024-02110", 17): [step("redesignate", *paras("309.130", "(f)", "(g)", "(h)"),
                              new=paras("309.130", "(d)", "(e)", "(f)"))],
    ("2024-02110", 19): [step("remove", "309.155(c)"),
                         step("redesignate", *paras("309.155", "(d)", "(e)", "(f)", "(g)"),
                              new=paras("309.155", "(c)", "(d)", "(e)", "(f)"))],
    ("2024-02110", 27): [step("revise-words", *paras("310.20", "(a)(1)", "(a)(2)(v)", "(a)(5)", "(a)(6)"),
                              old_words=";", new_words=".")],
    # VA (proposed rule: AMDPARs after a PART heading, no REGTEXT)
    ("2024-02590", 5): [step("remove", "3.114 Authority")],
    ("2024-02590", 7): [step("revise", *paras("3.307", "(a)(6)", "(a)(6)(iii)", "(a)(6)(iv)", "(a)(6)(v)")),
                        step("add", *paras("3.307", *(f"(a)(6)({r})" for r in ("vi", "vii", "viii", "ix", "x",
                                                                              "xi"))))],
    ("2024-02590", 10): [step("revise", "3.814", "3.814(c)", "3.814 Authority")],
    # NOAA (proposed rule)
    ("2024-02236", 2): [step("add", '648.2 "Continuous transit or transit"')],
    ("2024-02236", 7): [step("add", "648.14(i)(1)(vi)(C)", "648.14(i)(1)(vi)(C)(1)")],
    ("2024-02236", 15): [step("revise", *paras("648.59", "(c)", "(e)(1)", "(e)(2)", "(f)", "(g)(1)", "(g)(3)(v)",
                                               "(g)(4)(ii)"))],
    ("2024-02236", 24): [step("revise", "648.62(b)(1)"), step("add", "648.62(e)")],
    # FWS
    ("2024-02182", 6): [step("revise", "13.11(d)(4)")],  # entries of the table in (d)(4) replaced
    ("2024-02182", 12): [step("revise-words", "13.25(b)", "13.25(f)", old_words="§ 22.80 of this subchapter B",
                              new_words="part 22, subpart E, of this subchapter")],
    ("2024-02182", 21): [step("remove-and-reserve", "22.80")],
    ("2024-02182", 24): [step("redesignate", "22.75", new=("22.325",))],
    ("2024-02182", 27): [step("remove-words", "22.325 ¶1")],  # three sentences of the introductory text
    # FCC
    ("2024-01667", 2): [step("revise", "Subpart U")],
    ("2024-01667", 3): [step("revise", "64.2011", *paras("64.2011", "(a)", "(b)", "(c)", "(d)", "(e)"))],
}
