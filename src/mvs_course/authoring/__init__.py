"""Authoring: turn the hand-written sources (course/, solutions/) into what learners get.

One command, ``mvs-course build``, regenerates the lessons' navigation, the learner-check
data and the releases in exercises/ (see :mod:`mvs_course.authoring.build`).
"""
