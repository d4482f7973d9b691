/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xpz-window"

#include "config.h"

#include <glib/gi18n.h>

#include "xpz-candidate-page.h"
#include "xpz-employer-page.h"
#include "xpz-privacy-page.h"
#include "xpz-window.h"

struct _XpzWindow
{
  AdwApplicationWindow  parent_instance;

  GSettings            *settings;

  /* Template children */
  AdwLeaflet           *leaflet;
  GtkWidget            *sidebar_box;
  GtkListBox           *sidebar_list;
  GtkWidget            *content_box;
  GtkStack             *stack;
  AdwWindowTitle       *content_title;
};

G_DEFINE_FINAL_TYPE (XpzWindow, xpz_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_SETTINGS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

XpzWindow *
xpz_window_new (XpzApplication *application)
{
  g_return_val_if_fail (XPZ_IS_APPLICATION (application), NULL);

  return g_object_new (XPZ_TYPE_WINDOW,
                       "application", application,
                       "settings", xpz_application_get_settings (application),
                       NULL);
}

const char *
xpz_window_get_visible_area (XpzWindow *self)
{
  g_return_val_if_fail (XPZ_IS_WINDOW (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

static GtkListBoxRow *
find_sidebar_row (XpzWindow  *self,
                  const char *area)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->sidebar_list));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_LIST_BOX_ROW (child) && g_strcmp0 (gtk_widget_get_name (child), area) == 0)
        return GTK_LIST_BOX_ROW (child);
    }

  return NULL;
}

/**
 * xpz_window_show_area:
 * @area: "candidate", "employer" or "privacy"
 *
 * Shows @area, and in the folded (narrow) layout navigates to it.
 *
 * Returns: %FALSE if @area is not an area of the window
 */
gboolean
xpz_window_show_area (XpzWindow  *self,
                      const char *area)
{
  GtkListBoxRow *row;

  g_return_val_if_fail (XPZ_IS_WINDOW (self), FALSE);

  row = find_sidebar_row (self, area);
  if (row == NULL)
    return FALSE;

  gtk_list_box_select_row (self->sidebar_list, row);
  adw_leaflet_set_visible_child (self->leaflet, self->content_box);
  return TRUE;
}

static void
sidebar_row_selected_cb (XpzWindow     *self,
                         GtkListBoxRow *row,
                         GtkListBox    *list)
{
  const char *area;
  GtkStackPage *page;

  if (row == NULL)
    return;

  area = gtk_widget_get_name (GTK_WIDGET (row));
  gtk_stack_set_visible_child_name (self->stack, area);
  page = gtk_stack_get_page (self->stack, gtk_stack_get_visible_child (self->stack));
  adw_window_title_set_title (self->content_title, gtk_stack_page_get_title (page));
}

static void
sidebar_row_activated_cb (XpzWindow     *self,
                          GtkListBoxRow *row,
                          GtkListBox    *list)
{
  adw_leaflet_set_visible_child (self->leaflet, self->content_box);
}

static void
show_area_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  XpzWindow *self = XPZ_WINDOW (widget);

  xpz_window_show_area (self, g_variant_get_string (parameter, NULL));
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  XpzWindow *self = XPZ_WINDOW (widget);

  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static void
xpz_window_save_state (XpzWindow *self)
{
  int width, height;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  g_settings_delay (self->settings);
  g_settings_set_boolean (self->settings, "window-maximized",
                          gtk_window_is_maximized (GTK_WINDOW (self)));
  if (!gtk_window_is_maximized (GTK_WINDOW (self)))
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
  g_settings_set_string (self->settings, "last-area", xpz_window_get_visible_area (self));
  g_settings_apply (self->settings);
}

static gboolean
xpz_window_close_request (GtkWindow *window)
{
  xpz_window_save_state (XPZ_WINDOW (window));

  return GTK_WINDOW_CLASS (xpz_window_parent_class)->close_request (window);
}

static void
xpz_window_constructed (GObject *object)
{
  XpzWindow *self = XPZ_WINDOW (object);
  g_autofree char *last_area = NULL;

  G_OBJECT_CLASS (xpz_window_parent_class)->constructed (object);

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  last_area = g_settings_get_string (self->settings, "last-area");
  if (!xpz_window_show_area (self, last_area))
    xpz_window_show_area (self, "candidate");
  /* Unfolded, both panes show; folded, start from the list of areas. */
  adw_leaflet_set_visible_child (self->leaflet, self->sidebar_box);
}

static void
xpz_window_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  XpzWindow *self = XPZ_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xpz_window_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  XpzWindow *self = XPZ_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xpz_window_dispose (GObject *object)
{
  XpzWindow *self = XPZ_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), XPZ_TYPE_WINDOW);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (xpz_window_parent_class)->dispose (object);
}

static void
xpz_window_class_init (XpzWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->get_property = xpz_window_get_property;
  object_class->set_property = xpz_window_set_property;
  object_class->constructed = xpz_window_constructed;
  object_class->dispose = xpz_window_dispose;
  window_class->close_request = xpz_window_close_request;

  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL,
                         G_TYPE_SETTINGS,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (XPZ_TYPE_CANDIDATE_PAGE);
  g_type_ensure (XPZ_TYPE_EMPLOYER_PAGE);
  g_type_ensure (XPZ_TYPE_PRIVACY_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/xpz-window.ui");
  gtk_widget_class_bind_template_child (widget_class, XpzWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, XpzWindow, sidebar_box);
  gtk_widget_class_bind_template_child (widget_class, XpzWindow, sidebar_list);
  gtk_widget_class_bind_template_child (widget_class, XpzWindow, content_box);
  gtk_widget_class_bind_template_child (widget_class, XpzWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, XpzWindow, content_title);
  gtk_widget_class_bind_template_callback (widget_class, sidebar_row_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, sidebar_row_activated_cb);

  gtk_widget_class_install_action (widget_class, "nav.show-area", "s", show_area_action);
  gtk_widget_class_install_action (widget_class, "nav.back", NULL, back_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1, GDK_ALT_MASK,
                                       "nav.show-area", "s", "candidate");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_2, GDK_ALT_MASK,
                                       "nav.show-area", "s", "employer");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_3, GDK_ALT_MASK,
                                       "nav.show-area", "s", "privacy");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK,
                                       "nav.back", NULL);
}

static void
xpz_window_init (XpzWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  if (*PROFILE != '\0')
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
}
