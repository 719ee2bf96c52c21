/* qualify-endpoint.h
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "qualify-fields.h"
#include "qualify-store.h"

G_BEGIN_DECLS

#define QUALIFY_ENDPOINT_ERROR (qualify_endpoint_error_quark ())

typedef enum
{
  QUALIFY_ENDPOINT_ERROR_INVALID,    /* bad name, URL, format or transitions */
  QUALIFY_ENDPOINT_ERROR_NOT_FOUND,
  QUALIFY_ENDPOINT_ERROR_EXISTS,
} QualifyEndpointError;

typedef enum
{
  QUALIFY_FORMAT_WEBHOOK,      /* Standard Webhooks-signed JSON, one lead per request */
  QUALIFY_FORMAT_HUBSPOT,      /* contacts batch/upsert by email, ≤ 100 per request */
  QUALIFY_FORMAT_SALESFORCE,   /* Lead sObject, create or upsert by external id */
  QUALIFY_FORMAT_PIPEDRIVE,    /* person (found by email or created) + lead */
  QUALIFY_N_FORMATS
} QualifyEndpointFormat;

typedef enum
{
  QUALIFY_ENDPOINT_ACTIVE,
  QUALIFY_ENDPOINT_PAUSED,     /* after a long run of failures; resume by hand */
  QUALIFY_ENDPOINT_DISABLED,   /* the CRM answered 410 Gone */
} QualifyEndpointState;

typedef struct
{
  gint64                 id;
  char                  *name;
  char                  *url;
  QualifyEndpointFormat  format;
  guint                  transitions;   /* bit (1 << QualifyStatus) per status it receives */
  gboolean               enabled;
  gboolean               auto_push;     /* push right after each rescore */
  char                  *mapping;       /* JSON {"qualify field": "CRM property"}, NULL = defaults */
  char                  *external_id;   /* Salesforce: upsert on this external-id field */
  QualifyEndpointState   state;
  char                  *state_reason;
  int                    failures;      /* consecutive failed attempts */
  gint64                 retry_at;      /* after a failure: nothing is sent before (unix s) */
} QualifyEndpoint;

GQuark                qualify_endpoint_error_quark   (void);

QualifyEndpoint      *qualify_endpoint_new           (const char             *name,
                                                      const char             *url,
                                                      QualifyEndpointFormat   format);
void                  qualify_endpoint_free          (QualifyEndpoint        *endpoint);
/* A deep copy (e.g. to hand an endpoint being edited to a worker thread). */
QualifyEndpoint      *qualify_endpoint_copy          (const QualifyEndpoint  *endpoint);
const char           *qualify_endpoint_format_to_string (QualifyEndpointFormat format);
gboolean              qualify_endpoint_format_from_string (const char        *str,
                                                      QualifyEndpointFormat  *format);
const char           *qualify_endpoint_state_to_string (QualifyEndpointState state);
/* "mql,sql" ↔ bits; unknown names are an error. */
gboolean              qualify_endpoint_parse_transitions (const char         *list,
                                                      guint                  *transitions,
                                                      GError                **error);
char                 *qualify_endpoint_transitions_to_string (guint           transitions);
/* https:// anywhere; http:// only to this machine (localhost, 127.0.0.0/8, ::1). */
gboolean              qualify_endpoint_check_url     (const char             *url,
                                                      GError                **error);
/* Default Qualify field → CRM property names for a format, as JSON. */
const char           *qualify_endpoint_default_mapping (QualifyEndpointFormat format);

gboolean              qualify_endpoint_add           (QualifyStore           *store,
                                                      QualifyEndpoint        *endpoint,
                                                      GError                **error);
gboolean              qualify_endpoint_update        (QualifyStore           *store,
                                                      const QualifyEndpoint  *endpoint,
                                                      GError                **error);
gboolean              qualify_endpoint_remove        (QualifyStore           *store,
                                                      const char             *name,
                                                      GError                **error);
/* Of QualifyEndpoint, by name. */
GPtrArray            *qualify_endpoint_list          (QualifyStore           *store,
                                                      GError                **error);
QualifyEndpoint      *qualify_endpoint_get           (QualifyStore           *store,
                                                      const char             *name,
                                                      GError                **error);
/* Back to active after a pause or a 410, with the failure count reset. */
gboolean              qualify_endpoint_resume        (QualifyStore           *store,
                                                      const char             *name,
                                                      GError                **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QualifyEndpoint, qualify_endpoint_free)

G_END_DECLS
