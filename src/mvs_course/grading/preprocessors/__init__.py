"""nbgrader preprocessors of the course, one small class per module, one job each.

They are named by their full path in ``nbgrader_config.py`` (for example
``mvs_course.grading.preprocessors.repair.RepairMetadata``), so plain ``nbgrader`` commands,
the formgrader and ``mvs-course`` run the same steps.
"""
