/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The SQL of migration @version (1 … XPZ_STORE_SCHEMA_VERSION): what brings the schema
 * from @version - 1 to @version. For the migration tests, which make a database of an
 * earlier version with the migrations themselves rather than a copy of their SQL. */
const char *xpz_store_migration_sql (int version);

G_END_DECLS
