#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""End-to-end: the app shell, driven through its accessibility tree."""
import sys

from xpzui import App, Atspi, TestFailure, run


def test_visit_areas_and_quit():
    app = App(settings={"window-width": 1000, "window-height": 700})
    try:
        # Each area by its accessible name; each shows its own page.
        for area, heading in (("Employer", "Your Recruiter Space"),
                              ("Privacy", "Your Privacy Center"),
                              ("Candidate", "Your Candidate Space")):
            app.select_area(area)
            app.wait_find(heading, what=f"the {area} page")
        app.screenshot("shell-light")
        status = app.quit()
        if status != 0:
            raise TestFailure(f"exit status {status}")
    finally:
        app.kill()


def test_privacy_dark():
    app = App(env={"ADW_DEBUG_COLOR_SCHEME": "prefer-dark"},
              settings={"window-width": 1000, "window-height": 700, "last-area": "'privacy'"})
    try:
        app.wait_find("Your Privacy Center")
        # R12.1: the controller and a way to contact it are in the privacy view.
        app.wait_find("Contact the Data Controller", Atspi.Role.PUSH_BUTTON)
        app.wait_find("info@xpertaize.com", what="the controller's email")
        app.screenshot("shell-dark")
        if app.quit() != 0:
            raise TestFailure("unclean exit")
    finally:
        app.kill()


def test_narrow_360():
    app = App(settings={"window-width": 360, "window-height": 640})
    try:
        # Folded: the list of areas first, then one area with a Back button.
        app.wait_find("Areas", Atspi.Role.LIST)
        app.screenshot("shell-narrow-sidebar")
        # Keyboard only: Alt+3 goes to Privacy, Alt+Left back, then Alt+1 to Candidate.
        app.keys("alt+3")
        app.wait_find("Your Privacy Center")
        app.keys("alt+Left")
        app.wait_find("Areas", Atspi.Role.LIST, "the list of areas after Alt+Left")
        app.keys("alt+1")
        app.wait_find("Back", Atspi.Role.PUSH_BUTTON, "the Back button of the folded layout")
        app.wait_find("Your Candidate Space")
        app.screenshot("shell-narrow")
        app.click("Back")
        app.wait_find("Areas", Atspi.Role.LIST, "the list of areas again")
        if app.quit() != 0:
            raise TestFailure("unclean exit")
    finally:
        app.kill()


if __name__ == "__main__":
    sys.exit(run([test_visit_areas_and_quit, test_privacy_dark, test_narrow_360]))
