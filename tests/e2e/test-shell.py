#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""End-to-end: the app shell, driven through its accessibility tree."""
import os
import subprocess
import sys
import tempfile

from xpzui import App, Atspi, TestFailure, run, wait_for


def enter_demo(app, as_role="Candidate"):
    """The README's first command ends here: the welcome page, then the demo."""
    app.click("Explore the Demo")
    button = app.wait_find(f"Enter as {as_role}", Atspi.Role.PUSH_BUTTON)
    # The buttons are insensitive while the demo platform starts (its seeding included).
    wait_for(lambda: button.get_state_set().contains(Atspi.StateType.SENSITIVE),
             "the demo platform to start", timeout=60)
    app.click(f"Enter as {as_role}")
    app.wait_find("Areas", Atspi.Role.LIST, "the areas after entering the demo")


def test_welcome_then_demo_areas_and_quit():
    app = App(settings={"window-width": 1000, "window-height": 700})
    try:
        app.wait_find("Welcome to XpertAIze")
        app.wait_find("Sign In", Atspi.Role.PUSH_BUTTON)
        app.screenshot("welcome-light")
        enter_demo(app)
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
              settings={"window-width": 1000, "window-height": 700})
    try:
        enter_demo(app, "Recruiter")
        app.wait_find("Your Recruiter Space")
        app.select_area("Privacy")
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
        app.wait_find("Welcome to XpertAIze")
        app.screenshot("welcome-narrow")
        enter_demo(app)
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


def test_demo_option_enters_demo():
    # The README's first command: xpertaize-desktop --demo candidate.
    app = App(settings={"window-width": 1000, "window-height": 700},
              args=["--demo", "recruiter"])
    try:
        app.wait_find("Areas", Atspi.Role.LIST, "the areas of the demo")
        app.wait_find("Demo recruiter", Atspi.Role.LABEL)
        app.wait_find("Your Recruiter Space")
        if app.quit() != 0:
            raise TestFailure("unclean exit")
    finally:
        app.kill()


def start_platform():
    """The real platform server, on loopback, as a self-hosted one would run."""
    db = os.path.join(tempfile.mkdtemp(prefix="xpz-e2e-"), "platform.db")
    binary = os.path.join(os.environ["XPZ_BUILD_ROOT"], "src", "platform", "xpertaize-platform")
    proc = subprocess.Popen([binary, "--listen", "127.0.0.1:0", "--db", db,
                             "--pwhash-cost", "min"], stdout=subprocess.PIPE, text=True)
    return proc, proc.stdout.readline().strip()


def test_sign_up_on_a_platform():
    platform, url = start_platform()
    app = App(settings={"window-width": 1000, "window-height": 760})
    try:
        if not url.startswith("http://127.0.0.1:"):
            raise TestFailure(f"the platform printed {url!r}")
        app.click("Sign In")
        app.type_into("Platform Address", url)
        app.type_into("Email", "amina.benali@example.ma")
        app.type_into("Password", "a-long-password-2026")
        app.click("Create a New Account", Atspi.Role.CHECK_BOX)
        app.type_into("Your Name", "Amina Benali")
        app.screenshot("sign-up")
        app.click("Create the Account")
        app.wait_find("Areas", Atspi.Role.LIST, "the areas after signing up")
        # The new candidate is named in the header bar, and starts in the Candidate area.
        app.wait_find("Amina Benali", Atspi.Role.LABEL)
        app.wait_find("Your Candidate Space")
        if app.quit() != 0:
            raise TestFailure("unclean exit")
    finally:
        app.kill()
        platform.terminate()
        platform.wait()


if __name__ == "__main__":
    sys.exit(run([test_welcome_then_demo_areas_and_quit, test_privacy_dark, test_narrow_360,
                  test_sign_up_on_a_platform, test_demo_option_enters_demo]))
