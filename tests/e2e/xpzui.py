# SPDX-License-Identifier: GPL-3.0-or-later
"""A small harness that drives the real app through its accessibility tree (AT-SPI).

Runs inside build-aux/xpz-test-session (Xvfb, private D-Bus session with the AT-SPI bus).
Waiting is always for a condition, with a deadline; never a bare sleep.
"""
import os
import subprocess
import time

import gi

gi.require_version("Atspi", "2.0")
from gi.repository import Atspi  # noqa: E402

BUILD_ROOT = os.environ["XPZ_BUILD_ROOT"]
APP_BINARY = os.path.join(BUILD_ROOT, "src", "app", "xpertaize-desktop")
LOG_DIR = os.path.join(BUILD_ROOT, "meson-logs", "screenshots")


class TestFailure(AssertionError):
    pass


def wait_for(condition, what, timeout=20.0, interval=0.05):
    """Polls condition() until it returns a true value, or fails after timeout seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TestFailure(f"timed out waiting for {what}")
        time.sleep(interval)


def write_settings(values):
    """Starts the app with these GSettings values (keyfile backend in the throwaway HOME)."""
    path = os.path.join(os.environ["XDG_CONFIG_HOME"], "glib-2.0", "settings")
    os.makedirs(path, exist_ok=True)
    with open(os.path.join(path, "keyfile"), "w", encoding="utf-8") as f:
        f.write("[com/xpertaize/Desktop]\n")
        for key, value in values.items():
            f.write(f"{key}={value}\n")


def type_text(text):
    """Types text into the focused widget. ASCII goes through `xdotool type`; any other
    character through GTK's own Unicode entry (Ctrl+Shift+U, its hex code, space): xdotool
    types a non-ASCII character by remapping a spare key code for it, and on a loaded X
    server the app can read that key before the new mapping ("Ingénieur" → "Ingnieur")."""
    run = ""
    for ch in text + "\0":
        if ch != "\0" and ord(ch) < 128:
            run += ch
            continue
        if run:
            subprocess.run(["xdotool", "type", "--delay", "5", run], check=True)
            run = ""
        if ch != "\0":
            subprocess.run(["xdotool", "key", "--delay", "20", "ctrl+shift+u"], check=True)
            subprocess.run(["xdotool", "type", "--delay", "5", f"{ord(ch):x}"], check=True)
            subprocess.run(["xdotool", "key", "--delay", "20", "space"], check=True)


class App:
    def __init__(self, env=None, settings=None, args=(), keep_settings=False):
        self.env = dict(os.environ)
        self.env["GSETTINGS_BACKEND"] = "keyfile"
        # The build's translations (LANGUAGE=fr / ar in a test's env picks one).
        self.env["XPZ_LOCALEDIR"] = os.path.join(os.environ["XPZ_BUILD_ROOT"], "po")
        # Any warning of the app's is a failure.
        self.env["G_DEBUG"] = "fatal-warnings"
        self.env.update(env or {})
        if not keep_settings:  # a restart keeps what the app saved
            write_settings(settings or {})
        self.proc = subprocess.Popen([APP_BINARY, *args], env=self.env)
        self.root = wait_for(self._find_app, "the application on the accessibility bus")
        self.window = wait_for(self._find_window, "the main window")

    def _find_app(self):
        desktop = Atspi.get_desktop(0)
        for i in range(desktop.get_child_count()):
            app = desktop.get_child_at_index(i)
            if app is None:
                continue
            try:
                if app.get_process_id() == self.proc.pid:
                    return app
            except gi.repository.GLib.Error:
                continue
        if self.proc.poll() is not None:
            raise TestFailure(f"the app exited early with status {self.proc.returncode}")
        return None

    def _find_window(self):
        for i in range(self.root.get_child_count()):
            win = self.root.get_child_at_index(i)
            if win is not None and win.get_role() == Atspi.Role.FRAME:
                return win
        return None

    @staticmethod
    def is_showing(acc):
        """Whether acc is on screen. GTK 4.8 sets no SHOWING state, so this also asks
        for a non-empty allocation inside the window."""
        states = acc.get_state_set()
        if states.contains(Atspi.StateType.SHOWING):
            return True
        if not states.contains(Atspi.StateType.VISIBLE):
            return False
        try:
            ext = Atspi.Component.get_extents(acc, Atspi.CoordType.WINDOW)
        except gi.repository.GLib.Error:
            return False
        return ext.width > 0 and ext.height > 0

    @staticmethod
    def name_matches(actual, name):
        # GTK 4.8 appends a button's label text to its accessible label
        # ("Contact the Data Controller Contact…"), so a name may be followed by more.
        return actual == name or actual.startswith(name + " ")

    def find(self, name, role=None, root=None, showing=True):
        """The first accessible below root named name (and of role), or None."""
        stack = [root or self.window]
        while stack:
            acc = stack.pop()
            try:
                if self.name_matches(acc.get_name(), name) and (role is None or acc.get_role() == role):
                    if not showing or self.is_showing(acc):
                        return acc
                n = acc.get_child_count()
            except gi.repository.GLib.Error:
                continue
            for i in range(n - 1, -1, -1):
                child = acc.get_child_at_index(i)
                if child is not None:
                    stack.append(child)
        return None

    def wait_find(self, name, role=None, what=None):
        return wait_for(lambda: self.find(name, role), what or f"“{name}” to show")

    def select_area(self, name):
        """Selects a sidebar row through the list's AT-SPI Selection interface."""
        areas = self.wait_find(self.tr("Areas"), Atspi.Role.LIST, "the list of areas")
        for i in range(areas.get_child_count()):
            if areas.get_child_at_index(i).get_name() in (name, self.tr(name)):
                if not Atspi.Selection.select_child(areas, i):
                    raise TestFailure(f"could not select {name}")
                return
        raise TestFailure(f"no area named {name}")

    def tr(self, text):
        """@text as the app shows it in the language of its environment (LANGUAGE)."""
        import gettext
        languages = [l for l in self.env.get("LANGUAGE", "").split(":") if l]
        if not languages:
            return text
        catalog = gettext.translation("xpertaize-desktop", localedir=self.env["XPZ_LOCALEDIR"],
                                      languages=languages, fallback=True)
        return catalog.gettext(text)

    def click(self, name, role=Atspi.Role.PUSH_BUTTON):
        button = self.wait_find(name, role)
        if not Atspi.Action.do_action(button, 0):
            raise TestFailure(f"could not click {name}")

    def screenshot(self, name):
        os.makedirs(LOG_DIR, exist_ok=True)
        out = os.path.join(LOG_DIR, name + ".png")
        info = subprocess.run(["xwininfo", "-root", "-tree"], capture_output=True, text=True,
                              check=True).stdout
        win_id = None
        for line in info.splitlines():
            line = line.strip()
            if '"XpertAIze"' in line and line.startswith("0x"):
                win_id = line.split()[0]
                break
        if win_id is None:
            raise TestFailure("no X window titled XpertAIze")
        # Let pending frames land: wait until two consecutive captures agree.
        previous = None
        def stable():
            nonlocal previous
            subprocess.run(["import", "-window", win_id, out], check=True)
            with open(out, "rb") as f:
                data = f.read()
            same = data == previous
            previous = data
            return same
        wait_for(stable, "the window to stop changing", timeout=10, interval=0.2)
        print(f"# screenshot: {out}")
        return out

    def keys(self, *keys):
        """Types key combinations (xdotool syntax, e.g. "ctrl+q") through XTest, the
        real input path. With no window manager, X gives the keyboard to the window
        under the pointer, so the pointer goes into the window first."""
        # GTK 4 knows no screen coordinates; with no window manager under Xvfb the
        # window sits at the origin, so window coordinates are screen coordinates.
        ext = Atspi.Component.get_extents(self.window, Atspi.CoordType.WINDOW)
        x = max(ext.width, 2) // 2
        y = max(ext.height, 2) // 2
        subprocess.run(["xdotool", "mousemove", str(x), str(y)], check=True)
        subprocess.run(["xdotool", "key", "--delay", "20", *keys], check=True)

    def type_into(self, name, text):
        """Clicks the text field named name and types text, replacing what it held."""
        field = self.wait_find(name, Atspi.Role.TEXT)
        last = None

        def settled():
            # Pages slide in: wait until the field stops moving.
            nonlocal last
            ext = Atspi.Component.get_extents(field, Atspi.CoordType.WINDOW)
            here = (ext.x, ext.y, ext.width, ext.height)
            same = here == last
            last = here
            return same
        wait_for(settled, f"“{name}” to settle", interval=0.15)
        x, y, w, h = last
        subprocess.run(["xdotool", "mousemove", str(x + w // 2), str(y + h // 2), "click", "1"],
                       check=True)
        subprocess.run(["xdotool", "key", "ctrl+a", "BackSpace"], check=True)
        type_text(text)

    def quit(self, timeout=20):
        """Quits with Ctrl+Q, as a user would, and returns the exit status."""
        self.keys("ctrl+q")
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise TestFailure("the app did not quit on Ctrl+Q")

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def run(tests):
    """Runs test functions, TAP style; returns the exit status."""
    print(f"1..{len(tests)}")
    failed = 0
    for i, test in enumerate(tests, 1):
        try:
            test()
            print(f"ok {i} {test.__name__}")
        except Exception as e:  # report every failure, then go on
            failed += 1
            print(f"not ok {i} {test.__name__}: {e}")
    return 1 if failed else 0
