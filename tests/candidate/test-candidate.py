#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""End-to-end: the candidate area against the real platform, through the accessibility
tree. Each test checks on the platform itself (its HTTP API) that what the candidate did
in the app arrived: the first-run sharing choice in the ledger, a profile edit, an
imported LinkedIn export, an accepted introduction and the share it made."""
import json
import os
import subprocess
import sys
import tempfile
import urllib.request

from xpzui import App, Atspi, TestFailure, run, type_text, wait_for

SOURCE_ROOT = os.environ["XPZ_SOURCE_ROOT"]
BUILD_ROOT = os.environ["XPZ_BUILD_ROOT"]
DEMO_CANDIDATE = "demo.candidate@xpertaize.test"
PASSWORD = "demo-password-2026"


class Platform:
    """The platform binary with the demo market, and a client of its API."""

    def __init__(self, k=5, scale=0, faults=None):
        db = os.path.join(tempfile.mkdtemp(prefix="xpz-cand-e2e-"), "platform.db")
        binary = os.path.join(BUILD_ROOT, "src", "platform", "xpertaize-platform")
        extra = ["--seed-scale", str(scale)] if scale else []
        env = dict(os.environ)
        if faults:
            env["XPZ_PLATFORM_FAULTS"] = faults
        self.proc = subprocess.Popen([binary, "--listen", "127.0.0.1:0", "--db", db,
                                      "--seed-demo", "--pwhash-cost", "min",
                                      "--k-anonymity", str(k)] + extra,
                                     stdout=subprocess.PIPE, text=True, env=env)
        self.url = self.proc.stdout.readline().strip()
        if not self.url.startswith("http://127.0.0.1:"):
            raise TestFailure(f"the platform printed {self.url!r}")
        self.token = None

    def call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url.rstrip("/") + path, data=data, method=method)
        req.add_header("Content-Type", "application/json")
        if self.token:
            req.add_header("Authorization", "Bearer " + self.token)
        with urllib.request.urlopen(req, timeout=10) as answer:
            text = answer.read().decode()
            return json.loads(text) if text else None

    def sign_in(self, email=DEMO_CANDIDATE):
        self.token = self.call("POST", "/api/v1/sessions",
                               {"email": email, "password": PASSWORD})["access_token"]

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


def fresh_home():
    """Each test starts as a new user of this computer: its own data, settings and
    cache (the keyring stays, keyed by account)."""
    base = tempfile.mkdtemp(prefix="xpz-cand-home-")
    for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        os.environ[var] = os.path.join(base, var.lower())
        os.makedirs(os.environ[var], exist_ok=True)


def translator(language):
    """The app's own translations from the build tree, for names in another language."""
    import gettext
    if language is None:
        return lambda text: text
    return gettext.translation("xpertaize-desktop", localedir=os.path.join(BUILD_ROOT, "po"),
                               languages=[language], fallback=True).gettext


def sign_in(app, platform, email=DEMO_CANDIDATE, _=lambda text: text):
    """Signs in through the welcome page, unless the session of an earlier run in this
    test session is restored (the keyring keeps it)."""
    def either():
        return app.find(_("Areas"), Atspi.Role.LIST) or app.find(_("Sign In"), Atspi.Role.PUSH_BUTTON)
    if wait_for(either, "the welcome page or the areas").get_role() == Atspi.Role.LIST:
        return
    app.click(_("Sign In"))
    app.type_into(_("Platform Address"), platform.url)
    app.type_into(_("Email"), email)
    app.type_into(_("Password"), PASSWORD)
    app.click(_("Sign In to the Platform"))
    app.wait_find(_("Areas"), Atspi.Role.LIST, "the areas after signing in")


def press(acc, what, pointer=False):
    """Clicks an accessible: its action when it has one (buttons), else the pointer at
    its middle (GTK 4.8 gives check and toggle buttons no AT-SPI action)."""
    try:
        if not pointer and Atspi.Action.get_n_actions(acc) > 0 and Atspi.Action.do_action(acc, 0):
            return
    except Exception:
        pass
    ext = Atspi.Component.get_extents(acc, Atspi.CoordType.WINDOW)
    if ext.width <= 0 or ext.height <= 0:
        raise TestFailure(f"{what} is not on screen")
    subprocess.run(["xdotool", "mousemove", str(ext.x + ext.width // 2),
                    str(ext.y + ext.height // 2), "click", "1"], check=True)


def scroll_into_view(app, acc, what):
    """Wheels the page under the pointer until acc is inside the window (AT-SPI in GTK
    4.8 cannot scroll to an object)."""
    win = Atspi.Component.get_extents(app.window, Atspi.CoordType.WINDOW)
    for _ in range(60):
        ext = Atspi.Component.get_extents(acc, Atspi.CoordType.WINDOW)
        if ext.y >= 60 and ext.y + ext.height <= win.height - 70:
            return
        button = "5" if ext.y + ext.height > win.height - 70 else "4"
        subprocess.run(["xdotool", "mousemove", str(win.width * 2 // 3), str(win.height // 2),
                        "click", button], check=True)
        wait_for(lambda: True, "a frame", timeout=1)
    raise TestFailure(f"could not scroll to {what}")


def type_visible(app, name, text):
    field = app.wait_find(name, Atspi.Role.TEXT)
    scroll_into_view(app, field, name)
    app.type_into(name, text)


def choose_sharing(app, mode):
    """The first-run choice: nothing is pre-selected; pick one and confirm."""
    app.wait_find("How Sharing Works", what="the first-run sharing choice")
    check = app.wait_find(f"{mode} Sharing")
    for name in ("Automatic Sharing", "Explicit Sharing"):
        if app.find(name).get_state_set().contains(Atspi.StateType.CHECKED):
            raise TestFailure(f"{name} was pre-selected")
    confirm = app.wait_find("Confirm My Choice", Atspi.Role.PUSH_BUTTON)
    if confirm.get_state_set().contains(Atspi.StateType.SENSITIVE):
        raise TestFailure("the choice could be confirmed with nothing chosen")
    press(check, f"the {mode} choice")
    wait_for(lambda: confirm.get_state_set().contains(Atspi.StateType.SENSITIVE),
             "the confirm button once a choice is made")
    app.click("Confirm My Choice")
    app.wait_find("Candidate Views", what="the candidate views after the choice")


def find_anywhere(app, name, role=None):
    """In any of the app's windows (dialogs are windows of their own)."""
    return app.find(name, role, root=app.root)


def wait_anywhere(app, name, role=None, what=None):
    return wait_for(lambda: find_anywhere(app, name, role), what or f"“{name}” to show")


def screenshot_screen(name):
    """The whole screen: dialogs are windows of their own."""
    out = os.path.join(BUILD_ROOT, "meson-logs", "screenshots", name + ".png")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    subprocess.run(["import", "-window", "root", out], check=True)
    print(f"# screenshot: {out}")


def click_response(app, name, root=None):
    """A dialog's response button: GTK 4.8 names a button with a mnemonic by its raw
    label, so either spelling is accepted."""
    def roots():
        if root is not None:
            return [root]
        # Dialogs only: the main window has buttons of the same names (its Close).
        return [w for w in (app.root.get_child_at_index(i) for i in range(app.root.get_child_count()))
                if w is not None and w.get_name() != "XpertAIze"]

    def found():
        for r in roots():
            # The raw mnemonic spellings first: "Add" alone would also name "Add to Bookmarks".
            for candidate in [name[:i] + "_" + name[i:] for i in range(len(name))] + [name]:
                button = app.find(candidate, Atspi.Role.PUSH_BUTTON, root=r)
                if button is not None:
                    return button
        return None
    button = wait_for(found, f"the “{name}” button")
    wait_for(lambda: button.get_state_set().contains(Atspi.StateType.SENSITIVE),
             f"the “{name}” button to be sensitive")
    if not Atspi.Action.do_action(button, 0):
        raise TestFailure(f"could not click {name}")


def show_view(app, name):
    button = app.wait_find(name, Atspi.Role.PUSH_BUTTON)
    press(button, f"the {name} view button")


def ledger_kinds(platform):
    return [e["kind"] for e in platform.call("GET", "/api/v1/me/ledger")["entries"]]


def shot(app, name):
    try:
        app.screenshot(name)
    except TestFailure:
        # Something animates (a spinner): keep the last frame rather than none.
        screenshot_screen(name)


def enter(app, platform, mode="Explicit"):
    sign_in(app, platform)
    choose_sharing(app, mode)


def test_first_run_choice_is_ledgered():
    fresh_home()
    platform = Platform()
    app = App(settings={"window-width": 1000, "window-height": 760})
    try:
        platform.sign_in()
        before = ledger_kinds(platform)
        sign_in(app, platform)
        shot(app, "candidate-consent-light")
        choose_sharing(app, "Explicit")
        # The demo candidate was automatic: the change is ledgered on the platform.
        wait_for(lambda: platform.call("GET", "/api/v1/me/privacy")["sharing_mode"] == "explicit",
                 "the platform to hold the explicit mode", timeout=30)
        after = ledger_kinds(platform)
        if after.count("sharing_mode_changed") != before.count("sharing_mode_changed") + 1:
            raise TestFailure(f"no sharing_mode_changed entry in the ledger: {after}")
        app.kill()
        # On another computer (no local data), the ledger says it was chosen: not asked again.
        fresh_home()
        app = App(settings={"window-width": 1000, "window-height": 760})
        sign_in(app, platform)
        app.wait_find("Candidate Views", what="the candidate views without asking again")
        if app.find("How Sharing Works") is not None:
            raise TestFailure("the choice was asked for again")
    finally:
        app.kill()
        platform.stop()


def test_profile_edit_reaches_server():
    fresh_home()
    platform = Platform()
    app = App(settings={"window-width": 1000, "window-height": 760})
    try:
        platform.sign_in()
        original_phone = platform.call("GET", "/api/v1/me/profile")["basics"].get("phone")
        enter(app, platform)
        show_view(app, "Profile")
        app.wait_find("Contact", what="the profile editor")
        # An invalid phone number is refused with a specific message, and not sent.
        type_visible(app, "Phone", "06 61")
        app.wait_find("Phone: This phone number is too short.", Atspi.Role.LABEL,
                      "a specific message for a short phone number")
        # (Emptying the field removed the number; the short one is never kept.)
        phone = platform.call("GET", "/api/v1/me/profile")["basics"].get("phone")
        if phone not in (None, original_phone):
            raise TestFailure(f"an invalid phone number reached the platform: {phone!r}")
        type_visible(app, "Phone", "06 61 23 45 67")
        type_visible(app, "Minimum Salary", "18000")
        wait_for(lambda: platform.call("GET", "/api/v1/me/profile")["basics"].get("phone")
                 == "+212661234567",
                 "the normalised phone number on the platform", timeout=30)
        wait_for(lambda: platform.call("GET", "/api/v1/me/profile")["preferences"]
                 .get("salary", {}).get("min") == 18000,
                 "the salary expectation on the platform", timeout=30)
        profile = platform.call("GET", "/api/v1/me/profile")
        if profile["preferences"]["salary"].get("currency") != "MAD":
            raise TestFailure(f"the currency is not MAD by default: {profile['preferences']}")
        shot(app, "candidate-profile-light")
    finally:
        app.kill()
        platform.stop()


def test_accept_introduction_shares():
    fresh_home()
    platform = Platform()
    app = App(settings={"window-width": 1000, "window-height": 760})
    try:
        platform.sign_in()
        pending = [i for i in platform.call("GET", "/api/v1/me/introductions")["introductions"]
                   if i["status"] == "pending"]
        if not pending:
            raise TestFailure("the demo has no pending introduction")
        company = pending[0]["employer"]["company"]
        enter(app, platform)
        show_view(app, "Requests")
        app.wait_find(f"Accept the Request of {company}", Atspi.Role.PUSH_BUTTON)
        shot(app, "candidate-requests-light")
        app.click(f"Accept the Request of {company}")
        # Before anything is sent, the dialog says exactly what is shared.
        wait_anywhere(app, "Share Your Profile with " + company + "?", what="the confirmation")
        screenshot_screen("candidate-accept-dialog-light")
        if ledger_kinds(platform).count("introduction_accepted") != 0:
            raise TestFailure("something was accepted before the confirmation")
        click_response(app, "Share and Accept")
        wait_for(lambda: "introduction_accepted" in ledger_kinds(platform),
                 "introduction_accepted in the ledger", timeout=30)
        shares = platform.call("GET", "/api/v1/me/shares")["shares"]
        if not any(s["employer"]["company"] == company and s["active"] and
                   s["basis"] == "consent:introduction_accepted" for s in shares):
            raise TestFailure(f"no share with {company} after accepting: {shares}")
        if "share" not in ledger_kinds(platform):
            raise TestFailure("the share is not in the ledger")
        app.wait_find("Answered Requests", what="the history")
    finally:
        app.kill()
        platform.stop()


def test_import_linkedin_export():
    fresh_home()
    platform = Platform()
    app = App(settings={"window-width": 1000, "window-height": 760})
    try:
        platform.sign_in()
        enter(app, platform)
        show_view(app, "Import")
        folder = os.path.join(SOURCE_ROOT, "tests", "data", "linkedin", "export")
        row = app.wait_find("LinkedIn Data Export Folder")
        press(row, "the LinkedIn folder row")
        # GTK's own file chooser: type the folder's path, then choose it.
        def chooser_window():
            for i in range(app.root.get_child_count()):
                win = app.root.get_child_at_index(i)
                if win is not None and win.get_name() == "Import an Extracted LinkedIn Data Export":
                    return win
            return None
        chooser = wait_for(chooser_window, "the file chooser")
        subprocess.run(["xdotool", "key", "ctrl+l"], check=True)
        subprocess.run(["xdotool", "type", "--delay", "5", folder + "/"], check=True)
        screenshot_screen("candidate-import-chooser")
        click_response(app, "Import", root=chooser)
        wait_for(lambda: chooser_window() is None, "the file chooser to close")
        screenshot_screen("candidate-import-after")
        app.wait_find("What the Import Changes", what="the import preview")
        shot(app, "candidate-import-preview-light")
        # Only what the candidate keeps is applied: the name stays theirs.
        keep_name = app.wait_find("Keep: Name")
        press(keep_name, "the name change's check box")
        wait_for(lambda: not keep_name.get_state_set().contains(Atspi.StateType.CHECKED),
                 "the name change to be unticked")
        app.click("Apply the Kept Changes")

        def imported():
            profile = platform.call("GET", "/api/v1/me/profile")
            return any(w.get("name") == "OCP Group" for w in profile.get("work", []))
        wait_for(imported, "the imported positions on the platform", timeout=30)
        profile = platform.call("GET", "/api/v1/me/profile")
        if profile["basics"].get("name") != "Yasmine El Idrissi":
            raise TestFailure(f"an unticked change was applied: {profile['basics'].get('name')!r}")
        if profile["basics"].get("phone") != "+212661234567":
            raise TestFailure("a kept change (the phone number) was not applied")
    finally:
        app.kill()
        platform.stop()


def window_named(app, title):
    for i in range(app.root.get_child_count()):
        win = app.root.get_child_at_index(i)
        if win is not None and win.get_name() == title:
            return win
    return None


def choose_path(app, title, path, accept):
    """GTK's own file chooser: the location typed in, then its accept button."""
    chooser = wait_for(lambda: window_named(app, title), f"the “{title}” chooser")
    subprocess.run(["xdotool", "key", "ctrl+l"], check=True)
    subprocess.run(["xdotool", "key", "ctrl+a", "BackSpace"], check=True)
    subprocess.run(["xdotool", "type", "--delay", "5", path], check=True)
    click_response(app, accept, root=chooser)
    wait_for(lambda: window_named(app, title) is None, f"the “{title}” chooser to close")


MINIMAL_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
               b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def test_import_json_resume_and_bad_file():
    """A JSON Resume file adds what it has; a file that is not one changes nothing and
    says why."""
    fresh_home()
    platform = Platform()
    app = App(settings={"window-width": 1000, "window-height": 760})
    folder = tempfile.mkdtemp(prefix="xpz-cand-resume-")
    bad = os.path.join(folder, "not-a-resume.json")
    with open(bad, "w", encoding="utf-8") as f:
        f.write("{\"basics\": [1, 2, 3]")
    try:
        platform.sign_in()
        before = platform.call("GET", "/api/v1/me/profile")
        enter(app, platform)
        show_view(app, "Import")
        press(app.wait_find("JSON Resume File"), "the JSON Resume row")
        choose_path(app, "Import a JSON Resume File", bad, "Import")
        app.wait_find("Nothing was imported and your profile is unchanged:", Atspi.Role.LABEL,
                      "the reason the file was refused")
        if platform.call("GET", "/api/v1/me/profile") != before:
            raise TestFailure("a refused file changed the profile")
        shot(app, "candidate-import-refused-light")

        press(app.wait_find("JSON Resume File"), "the JSON Resume row")
        choose_path(app, "Import a JSON Resume File",
                    os.path.join(SOURCE_ROOT, "tests", "data", "jsonresume", "sample.resume.json"),
                    "Import")
        app.wait_find("What the Import Changes", what="the import preview")
        app.click("Apply the Kept Changes")
        wait_for(lambda: any(w.get("name") == "Pied Piper"
                             for w in platform.call("GET", "/api/v1/me/profile").get("work", [])),
                 "the JSON Resume's work on the platform", timeout=30)
    finally:
        app.kill()
        platform.stop()


def test_documents_add_refuse_delete():
    fresh_home()
    platform = Platform()
    app = App(settings={"window-width": 1000, "window-height": 760})
    folder = tempfile.mkdtemp(prefix="xpz-cand-docs-")
    cv = os.path.join(folder, "cv-yasmine.pdf")
    fake = os.path.join(folder, "renamed.pdf")
    with open(cv, "wb") as f:
        f.write(MINIMAL_PDF)
    with open(fake, "w", encoding="utf-8") as f:
        f.write("Ceci est un fichier texte renommé en .pdf\n")
    try:
        platform.sign_in()
        before = len(platform.call("GET", "/api/v1/me/documents")["documents"])
        enter(app, platform)
        show_view(app, "CVs")
        # A text file named .pdf is refused, with the reason, and nothing is uploaded.
        app.click("Add a Document")
        choose_path(app, "Add a Document", fake, "Add")
        wait_anywhere(app, "“renamed.pdf” Was Not Added", what="the refusal")
        screenshot_screen("candidate-cvs-refused-light")
        click_response(app, "Close")
        # A real PDF is stored, uploaded through the outbox and listed.
        app.click("Add a Document")
        choose_path(app, "Add a Document", cv, "Add")

        def uploaded():
            docs = platform.call("GET", "/api/v1/me/documents")["documents"]
            return [d for d in docs if d["filename"] == "cv-yasmine.pdf"]
        docs = wait_for(uploaded, "the CV on the platform", timeout=30)
        if docs[0]["size"] != len(MINIMAL_PDF) or docs[0]["content_type"] != "application/pdf":
            raise TestFailure(f"the platform holds {docs[0]}")
        if len(platform.call("GET", "/api/v1/me/documents")["documents"]) != before + 1:
            raise TestFailure("the refused file reached the platform")
        app.wait_find("Delete “cv-yasmine.pdf”", Atspi.Role.PUSH_BUTTON)
        shot(app, "candidate-cvs-one-light")
        # Deleting removes it here and on the platform.
        app.click("Delete “cv-yasmine.pdf”")
        click_response(app, "Delete")
        wait_for(lambda: not uploaded(), "the CV to leave the platform", timeout=30)
    finally:
        app.kill()
        platform.stop()


def test_document_deleted_before_upload():
    """A CV deleted while its upload still waits (the platform answers 503) is never
    uploaded: the queued upload goes with it, and nothing is left waiting."""
    fresh_home()
    platform = Platform(faults="POST /api/v1/me/documents=503")
    app = App(settings={"window-width": 1000, "window-height": 760})
    folder = tempfile.mkdtemp(prefix="xpz-cand-docs-")
    cv = os.path.join(folder, "cv-brouillon.pdf")
    with open(cv, "wb") as f:
        f.write(MINIMAL_PDF)
    try:
        platform.sign_in()
        before = len(platform.call("GET", "/api/v1/me/documents")["documents"])
        enter(app, platform)
        show_view(app, "CVs")
        app.click("Add a Document")
        choose_path(app, "Add a Document", cv, "Add")
        app.wait_find("Delete “cv-brouillon.pdf”", Atspi.Role.PUSH_BUTTON)
        wait_for(lambda: find_sync_state(app, "Waiting to sync"), "the upload waiting to be retried",
                 timeout=30)
        app.click("Delete “cv-brouillon.pdf”")
        click_response(app, "Delete")
        wait_for(lambda: app.find("Delete “cv-brouillon.pdf”", Atspi.Role.PUSH_BUTTON) is None,
                 "the CV gone from the list")
        wait_for(lambda: find_sync_state(app, "Up to date"), "nothing left to send", timeout=30)
        if len(platform.call("GET", "/api/v1/me/documents")["documents"]) != before:
            raise TestFailure("the deleted CV reached the platform")
    finally:
        app.kill()
        platform.stop()


def find_sync_state(app, state):
    """The header bar's synchronisation button, if its name says @state."""
    stack = [app.window]
    while stack:
        acc = stack.pop()
        try:
            if (acc.get_name() or "").startswith(state) and App.is_showing(acc):
                return acc
            stack.extend(c for c in (acc.get_child_at_index(i) for i in range(acc.get_child_count()))
                         if c is not None)
        except Exception:  # noqa: BLE001 (nodes can go away while walking)
            continue
    return None


def test_exports():
    fresh_home()
    platform = Platform()
    app = App(settings={"window-width": 1000, "window-height": 760})
    folder = tempfile.mkdtemp(prefix="xpz-cand-export-")
    resume = os.path.join(folder, "resume.json")
    archive = os.path.join(folder, "everything.zip")
    try:
        platform.sign_in()
        enter(app, platform)
        show_view(app, "Import")
        press(app.wait_find("Export as JSON Resume"), "the JSON Resume export")
        choose_path(app, "Save Your JSON Resume", resume, "Save")
        wait_for(lambda: os.path.exists(resume) and os.path.getsize(resume) > 0,
                 "the JSON Resume file", timeout=30)
        with open(resume, encoding="utf-8") as f:
            data = json.load(f)
        if data.get("basics", {}).get("name") != "Yasmine El Idrissi" or "preferences" in data:
            raise TestFailure(f"not the JSON Resume of the profile: {list(data)}")

        press(app.wait_find("Export All Your Data"), "the full export")
        choose_path(app, "Save All Your Data", archive, "Save")
        app.wait_find("Your data was saved.", Atspi.Role.LABEL, "the export to be written")
        import zipfile
        with zipfile.ZipFile(archive) as z:
            names = z.namelist()
        for needed in ("resume.json", "preferences.json", "ledger.json"):
            if needed not in names:
                raise TestFailure(f"{needed} is not in the export: {names}")
        if os.stat(archive).st_mode & 0o077:
            raise TestFailure("the export is readable by others")
    finally:
        app.kill()
        platform.stop()


def test_match_answers():
    """A match explained in words; "This match is wrong" with a reason reaches the
    platform's ledger; "Not interested" takes the job off both lists."""
    fresh_home()
    platform = Platform()
    app = App(settings={"window-width": 1000, "window-height": 760})
    try:
        platform.sign_in()
        ranked = platform.call("GET", "/api/v1/me/matches")
        if len(ranked) < 2:
            raise TestFailure("the demo candidate has fewer than two matches")
        first, last = ranked[0]["job"], ranked[-1]["job"]
        enter(app, platform)
        show_view(app, "Matches")
        press(app.wait_find(first["title"], Atspi.Role.LABEL), "the best match", pointer=True)
        wait_anywhere(app, "This Match Is _Wrong…", Atspi.Role.PUSH_BUTTON, "the explanation")
        screenshot_screen("candidate-match-explained-light")
        click_response(app, "This Match Is Wrong…")
        reason = wait_anywhere(app, "Reason", Atspi.Role.TEXT, "the reason field")
        # Without a window manager every window sits at the origin: window coordinates
        # are screen coordinates (GTK 4 has no screen coordinates).
        ext = Atspi.Component.get_extents(reason, Atspi.CoordType.WINDOW)
        subprocess.run(["xdotool", "mousemove", str(ext.x + ext.width // 2),
                        str(ext.y + ext.height // 2), "click", "1"], check=True)
        type_text("Le salaire proposé est mal lu")
        click_response(app, "Send the Objection")
        wait_for(lambda: "match_objection" in ledger_kinds(platform),
                 "the objection in the ledger", timeout=30)
        click_response(app, "Close")

        press(app.wait_find(last["title"], Atspi.Role.LABEL), "the last match", pointer=True)
        click_response(app, "Not Interested")
        wait_for(lambda: all(m["job"]["id"] != last["id"]
                             for m in platform.call("GET", "/api/v1/me/matches")),
                 "the job to leave the platform's list", timeout=30)
        wait_for(lambda: app.find(last["title"], Atspi.Role.LABEL) is None,
                 "the job to leave the list here")
    finally:
        app.kill()
        platform.stop()


def find_switcher(app):
    """The candidate views' bar, whatever the language: a panel of six push buttons."""
    stack = [app.window]
    while stack:
        acc = stack.pop()
        try:
            n = acc.get_child_count()
            if acc.get_role() == Atspi.Role.PANEL and n == 6 and App.is_showing(acc) and all(
                    acc.get_child_at_index(i).get_role() == Atspi.Role.PUSH_BUTTON for i in range(n)):
                return acc
        except Exception:
            continue
        stack.extend(c for c in (acc.get_child_at_index(i) for i in range(n)) if c is not None)
    return None


def test_pages_screenshots():
    """Each view, light, dark and in Arabic (right to left), at desktop and phone widths,
    on the demo market grown with synthetic candidates and jobs (so that the salary
    chart has groups large enough to publish, and the matches list is long)."""
    fresh_home()
    platform = Platform(scale=1000)
    try:
        for suffix, env, width in (("light", {}, 1000),
                                   ("dark", {"ADW_DEBUG_COLOR_SCHEME": "prefer-dark"}, 1000),
                                   ("ar", {"LANGUAGE": "ar", "LANG": "C.UTF-8"}, 1000),
                                   ("narrow", {}, 360)):
            app = App(env=env, settings={"window-width": width, "window-height": 760})
            try:
                if suffix == "ar":
                    # Translated names; the views are found by their shape (a bar of six
                    # buttons), whatever they are called.
                    sign_in(app, platform, _=translator("ar"))
                    wait_for(lambda: find_switcher(app), "the candidate views (Arabic)", timeout=40)
                else:
                    sign_in(app, platform)
                if suffix == "narrow":
                    # Folded: the list of areas first; Alt+1 opens the candidate area.
                    app.keys("alt+1")
                    app.wait_find("Back", Atspi.Role.PUSH_BUTTON, "the folded candidate area")
                if suffix == "light":
                    choose_sharing(app, "Automatic")
                elif suffix != "ar":
                    app.wait_find("Candidate Views", what="the candidate views")
                for view in ("Profile", "Matches", "Requests", "CVs", "Salaries", "Import"):
                    if suffix == "ar":
                        # Names are translated: walk the switcher by position instead.
                        bar = find_switcher(app)
                        index = ("Profile", "Matches", "Requests", "CVs", "Salaries",
                                 "Import").index(view)
                        press(bar.get_child_at_index(index), f"view {index}")
                    else:
                        show_view(app, view)
                    # The chart's content is checked in the wide runs; at 360 px the
                    # screenshot shows the layout (the field can sit under the view bar).
                    if view == "Salaries" and suffix in ("light", "dark"):
                        # The profession starts as the candidate's own title, queried at
                        # once; typing starts after that answer, so the fill cannot land
                        # between clearing the field and the first typed character.
                        # GTK 4.8 does not expose an entry row's text to AT-SPI, so
                        # the fill is seen in its answer: few candidates share her title.
                        wait_for(lambda: app.find("Too few candidates of this profession state "
                                                  "an expectation to show anything.",
                                                  Atspi.Role.LABEL),
                                 "the answer for the profession of the profile", timeout=40)

                        def described():
                            chart = app.find("Salaries by Years of Experience")
                            if chart is None:
                                return False
                            chart.clear_cache()  # the description changes in place
                            return "25th percentile" in (chart.get_description() or "")
                        # Typed without accents (the platform compares professions
                        # without them): xdotool's remapped keys for "é" can come out
                        # wrong on a loaded X server. Typing is input, not what is
                        # tested: a second go if the field did not get the words.
                        for attempt in (1, 2):
                            type_visible(app, "Profession", "Developpeur Python")
                            subprocess.run(["xdotool", "key", "Return"], check=True)
                            try:
                                wait_for(described, "published groups in the chart's description",
                                         timeout=40)
                                break
                            except TestFailure:
                                shot(app, f"candidate-salaries-failure-{suffix}-{attempt}")
                                status = [n for n in ("Too few candidates of this profession state "
                                                      "an expectation to show anything.", "Loading…")
                                          if app.find(n, Atspi.Role.LABEL)]
                                print(f"# attempt {attempt}: no published groups; status {status}")
                                if attempt == 2:
                                    raise
                    shot(app, f"candidate-{view.lower()}-{suffix}")
            finally:
                app.kill()
    finally:
        platform.stop()


if __name__ == "__main__":
    TESTS = [test_first_run_choice_is_ledgered, test_profile_edit_reaches_server,
             test_accept_introduction_shares, test_import_linkedin_export,
             test_import_json_resume_and_bad_file, test_documents_add_refuse_delete,
             test_document_deleted_before_upload, test_exports, test_match_answers,
             test_pages_screenshots]
    only = os.environ.get("XPZ_E2E_ONLY")
    sys.exit(run([t for t in TESTS if not only or t.__name__ in only.split(",")]))
