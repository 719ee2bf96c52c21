/* qualify-demo.c
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "qualify-demo"

#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "qualify-demo.h"
#include "qualify-importer.h"
#include "qualify-model.h"
#include "qualify-scorer.h"

/* Demo data: realistic B2B leads and events, deterministic for a seed.
 *
 * Everything random comes from one GRand seeded with options->seed, and all
 * times are relative to options->now, so the same options give the same files
 * byte for byte. The writer formats into a GString and hands the C library
 * large blocks, so a million leads and ten million events take seconds. */

#define DEFAULT_LEADS 5000
/* 2026-06-01T00:00:00Z, used when options->now is 0 (keeps output deterministic). */
#define DEFAULT_NOW G_GINT64_CONSTANT (1780272000)
#define DAY 86400
#define WINDOW_DAYS 180
#define FLUSH_SIZE (1024 * 1024)

typedef struct
{
  const char *name;
  double      weight;
} Weighted;

static const char * const first_names[] = {
  "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David",
  "Elizabeth", "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah",
  "Daniel", "Karen", "Matthew", "Lisa", "Anthony", "Mark", "Sandra", "Priya", "Rahul", "Ananya",
  "Arjun", "Wei", "Mei", "Hiroshi", "Yuki", "Zoë", "Łukasz", "José", "María", "François",
  "Amélie", "Søren", "Åsa", "Jürgen", "Inês", "Chloé", "Björn", "Oluwaseun", "Chidi", "Fatima",
  "Omar", "Aisha", "Mateo", "Sofía", "Luca", "Giulia", "Noah", "Emma", "Liam", "Olivia", "Ava",
  "Ethan", "Camille", "Lars", "Hannah", "Kenji", "Siobhán", "Ngozi",
};

static const char * const last_names[] = {
  "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
  "Martinez", "Hernandez", "Lopez", "Wilson", "Anderson", "Taylor", "Moore", "Jackson", "Martin",
  "Lee", "Thompson", "White", "Harris", "Clark", "Lewis", "Walker", "Young", "King", "Müller",
  "Schmidt", "Schneider", "Fischer", "Weber", "Dubois", "Lefèvre", "Moreau", "Kowalski", "Nowak",
  "Wiśniewski", "Patel", "Sharma", "Gupta", "Singh", "Chen", "Wang", "Li", "Tanaka", "Suzuki",
  "Sato", "O'Brien", "Murphy", "Kelly", "Silva", "Santos", "Oliveira", "van der Berg", "de Jong",
  "Jansen", "Fernández", "Ruiz", "Rossi", "Russo", "Andersson", "Johansson", "Nguyen", "Kim",
  "Park", "Okafor", "Adeyemi", "Øster", "Çelik",
};

static const char * const company_words[] = {
  "Northwind", "Bluefin", "Contoso", "Fabrikam", "Acme", "Globex", "Initech", "Summit",
  "Evergreen", "Redwood", "Silverline", "Brightpath", "Ironclad", "Clearwater", "Blue Harbor",
  "Granite", "Lighthouse", "Maple", "Oakridge", "Pinecrest", "Riverbend", "Starling", "Sterling",
  "Tidewater", "Trailhead", "Vantage", "Westfield", "Zenith", "Apex", "Atlas", "Beacon",
  "Cascade", "Cobalt", "Copperleaf", "Crescent", "Echo", "Ember", "Falcon", "Frontier", "Helix",
  "Horizon", "Juniper", "Keystone", "Kestrel", "Lumen", "Meridian", "Nimbus", "Nova", "Orbit",
  "Pioneer", "Polaris", "Quantum", "Quill", "Radiant", "Sable", "Sequoia", "Solstice", "Sparrow",
  "Spruce", "Stonebridge", "Sunburst", "Tandem", "Terra", "Titan", "Torrent", "Velocity",
  "Verdant", "Vertex", "Wavelength", "Willow", "Bergmann", "Lumière", "Nordlys", "Ålborg",
  "São Jorge", "Kōyō", "Brightwater", "Highland", "Silver Birch", "Red Kite",
};

static const char * const company_middles[] = {
  "", "", "", "", "", "", "", "", "Global", "Digital", "Cloud", "United", "Smart", "Bright",
  "North", "Pacific", "Atlantic", "Next", "Prime", "Blue",
};

typedef struct
{
  const char         *name;
  double              weight;
  double              revenue_per_employee;
  const char * const *suffixes;
} Industry;

static const char * const software_sfx[] = { "Software", "Labs", "Cloud", "Systems", "Analytics", "Technologies", "AI", NULL };
static const char * const finance_sfx[] = { "Capital", "Financial", "Bank", "Insurance", "Payments", "Wealth", NULL };
static const char * const health_sfx[] = { "Health", "Medical", "Clinics", "Therapeutics", "Care", NULL };
static const char * const manufacturing_sfx[] = { "Manufacturing", "Industries", "Machines", "Components", "Metals", NULL };
static const char * const retail_sfx[] = { "Retail", "Stores", "Outfitters", "Market", "Goods", NULL };
static const char * const education_sfx[] = { "Academy", "Learning", "Education", "Institute", NULL };
static const char * const government_sfx[] = { "County Services", "Public Works", "Transit Authority", "Agency", NULL };
static const char * const nonprofit_sfx[] = { "Foundation", "Trust", "Alliance", "Initiative", NULL };
static const char * const marketing_sfx[] = { "Media", "Creative", "Digital", "Agency", "Marketing", NULL };
static const char * const logistics_sfx[] = { "Logistics", "Freight", "Shipping", "Transport", "Supply", NULL };
static const char * const telecom_sfx[] = { "Telecom", "Networks", "Communications", NULL };
static const char * const energy_sfx[] = { "Energy", "Power", "Solar", "Utilities", NULL };

static const Industry industries[] = {
  { "Software", 22, 210000, software_sfx },
  { "Financial Services", 12, 420000, finance_sfx },
  { "Healthcare", 10, 150000, health_sfx },
  { "Manufacturing", 10, 260000, manufacturing_sfx },
  { "Retail", 9, 180000, retail_sfx },
  { "Education", 6, 90000, education_sfx },
  { "Government", 4, 110000, government_sfx },
  { "Non-profit", 4, 70000, nonprofit_sfx },
  { "Marketing Services", 8, 130000, marketing_sfx },
  { "Logistics", 6, 220000, logistics_sfx },
  { "Telecommunications", 4, 350000, telecom_sfx },
  { "Energy", 5, 500000, energy_sfx },
};

typedef struct
{
  const char         *name;
  double              weight;
  const char         *tld;
  const char         *legal;      /* company legal suffix */
  const char         *phone_cc;
  const char * const *places;     /* "Region|City" pairs, NULL-terminated */
} Country;

static const char * const us_places[] = {
  "CA|San Francisco", "CA|Los Angeles", "NY|New York", "TX|Austin", "TX|Dallas", "IL|Chicago",
  "WA|Seattle", "MA|Boston", "GA|Atlanta", "CO|Denver", "NC|Raleigh", "FL|Miami", NULL };
static const char * const uk_places[] = {
  "England|London", "England|Manchester", "Scotland|Edinburgh", "England|Bristol", "Wales|Cardiff", NULL };
static const char * const de_places[] = {
  "Berlin|Berlin", "Bavaria|Munich", "Hamburg|Hamburg", "Hesse|Frankfurt am Main",
  "North Rhine-Westphalia|Köln", NULL };
static const char * const fr_places[] = {
  "Île-de-France|Paris", "Auvergne-Rhône-Alpes|Lyon", "Occitanie|Toulouse", NULL };
static const char * const ca_places[] = {
  "Ontario|Toronto", "British Columbia|Vancouver", "Quebec|Montréal", NULL };
static const char * const in_places[] = {
  "Karnataka|Bengaluru", "Maharashtra|Mumbai", "Delhi|New Delhi", "Telangana|Hyderabad", NULL };
static const char * const br_places[] = { "São Paulo|São Paulo", "Rio de Janeiro|Rio de Janeiro", NULL };
static const char * const au_places[] = { "New South Wales|Sydney", "Victoria|Melbourne", NULL };
static const char * const nl_places[] = { "North Holland|Amsterdam", "South Holland|Rotterdam", NULL };
static const char * const es_places[] = { "Madrid|Madrid", "Catalonia|Barcelona", NULL };
static const char * const se_places[] = { "Stockholm|Stockholm", "Västra Götaland|Göteborg", NULL };
static const char * const pl_places[] = { "Masovia|Warsaw", "Lesser Poland|Kraków", NULL };
static const char * const jp_places[] = { "Tokyo|Tokyo", "Osaka|Osaka", NULL };
static const char * const mx_places[] = { "CDMX|Mexico City", "Jalisco|Guadalajara", NULL };
static const char * const sg_places[] = { "|Singapore", NULL };

static const Country countries[] = {
  { "United States", 40, "com", "Inc.", "+1", us_places },
  { "United Kingdom", 10, "co.uk", "Ltd", "+44", uk_places },
  { "Germany", 8, "de", "GmbH", "+49", de_places },
  { "France", 6, "fr", "SAS", "+33", fr_places },
  { "Canada", 6, "ca", "Inc.", "+1", ca_places },
  { "India", 7, "in", "Pvt Ltd", "+91", in_places },
  { "Brazil", 4, "com.br", "Ltda.", "+55", br_places },
  { "Australia", 4, "com.au", "Pty Ltd", "+61", au_places },
  { "Netherlands", 3, "nl", "B.V.", "+31", nl_places },
  { "Spain", 3, "es", "S.L.", "+34", es_places },
  { "Sweden", 2, "se", "AB", "+46", se_places },
  { "Poland", 2, "pl", "Sp. z o.o.", "+48", pl_places },
  { "Japan", 2, "co.jp", "K.K.", "+81", jp_places },
  { "Mexico", 2, "com.mx", "S.A. de C.V.", "+52", mx_places },
  { "Singapore", 1, "sg", "Pte Ltd", "+65", sg_places },
};

typedef enum { P_MARKETER, P_SALES, P_ENGINEER, P_EXECUTIVE, P_OPERATIONS, P_STUDENT } Persona;

static const char * const persona_names[] = {
  "Marketer", "Sales", "Engineer", "Executive", "Operations", "Student",
};

static const struct { const char *title; double weight; Persona persona; } titles[] = {
  { "VP Marketing", 4, P_MARKETER },
  { "Chief Marketing Officer", 2, P_EXECUTIVE },
  { "Director of Marketing", 5, P_MARKETER },
  { "Marketing Manager", 8, P_MARKETER },
  { "Demand Generation Manager", 4, P_MARKETER },
  { "VP, Demand Generation", 1.5, P_MARKETER },
  { "Head of Growth", 3, P_MARKETER },
  { "Marketing Operations Manager", 4, P_MARKETER },
  { "Content Marketing Specialist", 3, P_MARKETER },
  { "Director of Sales Ops", 3, P_SALES },
  { "VP Sales", 3, P_SALES },
  { "Account Executive", 5, P_SALES },
  { "Sales Development Representative", 4, P_SALES },
  { "Head of Revenue Operations", 2, P_OPERATIONS },
  { "CTO", 2, P_EXECUTIVE },
  { "VP Engineering", 2, P_ENGINEER },
  { "Software Engineer", 7, P_ENGINEER },
  { "Data Engineer", 3, P_ENGINEER },
  { "IT Manager", 3, P_ENGINEER },
  { "CIO", 1, P_EXECUTIVE },
  { "Founder & CEO", 3, P_EXECUTIVE },
  { "CEO", 2, P_EXECUTIVE },
  { "COO", 1, P_EXECUTIVE },
  { "CFO", 1, P_EXECUTIVE },
  { "Operations Manager", 3, P_OPERATIONS },
  { "Product Manager", 4, P_OPERATIONS },
  { "Business Analyst", 3, P_OPERATIONS },
  { "Consultant", 2, P_OPERATIONS },
  { "Office Manager", 1.5, P_OPERATIONS },
  { "Marketing Intern", 2, P_STUDENT },
  { "Student", 1, P_STUDENT },
};

static const Weighted lead_sources[] = {
  { "Website", 30 }, { "Webinar", 12 }, { "Paid Search", 15 }, { "LinkedIn Ads", 12 },
  { "Event", 8 }, { "Referral", 8 }, { "Content Syndication", 15 },
};

static const char * const technologies[] = {
  "Salesforce", "HubSpot", "Segment", "Snowflake", "Marketo", "Zendesk", "Shopify", "WordPress",
  "Google Analytics", "Slack", "Intercom", "Stripe", "AWS", "Pardot", "Mailchimp",
};

static const char * const owners[] = {
  "Sam Carter", "Priya Nair", "Jonas Becker", "Emily Chen", "Marco Bianchi", "Grace O'Neill",
  "Diego Ramos", "Hannah Schulz",
};

static const Weighted budgets[] = {
  { "", 30 }, { "Unknown", 10 }, { "< $10k", 20 }, { "$10k-$50k", 20 }, { "$50k-$250k", 13 },
  { "$250k+", 7 },
};

static const char * const free_mail[] = {
  "gmail.com", "gmail.com", "gmail.com", "yahoo.com", "outlook.com", "hotmail.com",
  "icloud.com", "gmx.de", "proton.me", "aol.com",
};

static const char * const universities[] = {
  "Northfield University", "Lakeside State University", "Westbrook College",
  "Riverside Institute of Technology", "Hillcrest University",
};

/* Events */

typedef enum
{
  E_PAGE_VIEW,
  E_EMAIL_OPEN,
  E_EMAIL_CLICK,
  E_CONTENT_DOWNLOAD,
  E_WEBINAR_REGISTERED,
  E_WEBINAR_ATTENDED,
  E_NEWSLETTER_SIGNUP,
  E_FORM_FILL,
  E_FREE_TRIAL,
  E_UNSUBSCRIBE,
  N_EVENT_KINDS,
} EventKind;

static const char * const event_names[N_EVENT_KINDS] = {
  "page_view", "email_open", "email_click", "content_download", "webinar_registered",
  "webinar_attended", "newsletter_signup", "form_fill", "free_trial", "unsubscribe",
};

static const double event_weights_cold[N_EVENT_KINDS] = { 50, 20, 7, 6, 3, 2, 2, 3, 0.6, 1.5 };
static const double event_weights_hot[N_EVENT_KINDS]  = { 62, 10, 6, 7, 4, 4, 0.5, 3, 3, 0.2 };

typedef enum
{
  PG_HOME,
  PG_BLOG,
  PG_PRODUCT,
  PG_INTEGRATIONS,
  PG_PRICING,
  PG_PRICING_ENTERPRISE,
  PG_DOCS,
  PG_CAREERS,
  PG_CAREERS_ROLES,
  N_PAGES,
} Page;

static const char * const page_paths[N_PAGES] = {
  "/", NULL, "/product", "/product/integrations", "/pricing", "/pricing/enterprise", "/docs/api",
  "/careers", "/careers/open-roles",
};

static const double page_weights_cold[N_PAGES] = { 12, 35, 12, 6, 4, 1, 7, 5, 2.5 };
static const double page_weights_hot[N_PAGES]  = { 6, 14, 14, 10, 34, 12, 6, 1, 0.5 };

static const char * const blog_slugs[] = {
  "/blog/lead-scoring-101", "/blog/what-is-an-mql", "/blog/b2b-attribution-models",
  "/blog/intent-data-explained", "/blog/abm-playbook", "/blog/sales-and-marketing-alignment",
  "/blog/crm-hygiene", "/blog/webinar-best-practices", "/blog/pipeline-velocity",
  "/blog/customer-story-northwind", "/blog/release-notes-spring", "/blog/gdpr-for-marketers",
  "/blog/benchmark-report-2026", "/blog/email-deliverability", "/blog/product-led-growth",
  "/blog/hiring-our-first-sdr",
};

static const char * const assets[] = {
  "The State of B2B Marketing 2026", "Lead Scoring Playbook", "ROI Calculator",
  "Buyer's Guide to Marketing Automation", "Customer Story: Northwind Analytics",
  "Data Sheet: Integrations", "Whitepaper: Intent Data", "Security Overview (PDF)",
};

static const char * const webinars[] = {
  "Scoring 101", "From MQL to Revenue", "Spring Product Launch", "Ask Me Anything: Attribution",
  "Pipeline Review 2026",
};

static const char * const email_campaigns[] = {
  "Newsletter March", "Newsletter April", "Product Update", "Nurture 1: Welcome",
  "Nurture 2: Use Cases", "Nurture 3: Pricing", "Event Invite", "Webinar Reminder",
};

static const char * const forms[] = { "Contact us", "Gated content", "Event registration", "Partner inquiry" };
static const char * const newsletter_places[] = { "Footer form", "Blog sidebar", "Exit popup" };
static const char * const trials[] = { "Starter", "Pro", "Enterprise" };
static const char * const unsubscribes[] = { "All emails", "Newsletter only" };

/* Generated state */

typedef struct
{
  char        *name;
  char        *domain;
  guint        industry;
  guint        country;
  guint        employees;
  double       revenue;
} Company;

typedef struct
{
  GRand        *rand;
  gint64        now;
  FILE         *fp;
  const char   *path;
  GString      *buf;

  Company      *companies;
  guint         n_companies;

  /* Per lead, for the events. */
  GStringChunk *chunk;
  const char  **emails;
  guint8       *email_lens;
  float        *heat;         /* 0 = cold … 1 = hot */
  guint32      *window;       /* seconds of history the lead can have events in */
  guint8       *flags;
} Demo;

#define FLAG_JOB_SEEKER 1

static void
demo_clear (Demo *demo)
{
  for (guint i = 0; i < demo->n_companies; i++)
    {
      g_free (demo->companies[i].name);
      g_free (demo->companies[i].domain);
    }
  g_clear_pointer (&demo->companies, g_free);
  g_clear_pointer (&demo->rand, g_rand_free);
  g_clear_pointer (&demo->chunk, g_string_chunk_free);
  g_clear_pointer (&demo->emails, g_free);
  g_clear_pointer (&demo->email_lens, g_free);
  g_clear_pointer (&demo->heat, g_free);
  g_clear_pointer (&demo->window, g_free);
  g_clear_pointer (&demo->flags, g_free);
  if (demo->fp != NULL)
    fclose (g_steal_pointer (&demo->fp));
  if (demo->buf != NULL)
    g_string_free (g_steal_pointer (&demo->buf), TRUE);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Demo, demo_clear)

static inline double
uniform (Demo *demo)
{
  return g_rand_double (demo->rand);
}

static inline guint
pick (Demo  *demo,
      guint  n)
{
  return (guint) g_rand_int_range (demo->rand, 0, (gint32) n);
}

static double
normal (Demo *demo)
{
  double u1 = 1.0 - uniform (demo);   /* (0, 1] */
  double u2 = uniform (demo);

  return sqrt (-2.0 * log (u1)) * cos (2.0 * G_PI * u2);
}

static guint
pick_weighted (Demo          *demo,
               const double  *weights,
               guint          n)
{
  double total = 0, r;

  for (guint i = 0; i < n; i++)
    total += weights[i];
  r = uniform (demo) * total;
  for (guint i = 0; i < n; i++)
    {
      if (r < weights[i])
        return i;
      r -= weights[i];
    }
  return n - 1;
}

static const char *
pick_name (Demo           *demo,
           const Weighted *items,
           guint           n)
{
  double total = 0, r;

  for (guint i = 0; i < n; i++)
    total += items[i].weight;
  r = uniform (demo) * total;
  for (guint i = 0; i < n; i++)
    {
      if (r < items[i].weight)
        return items[i].name;
      r -= items[i].weight;
    }
  return items[n - 1].name;
}

/* Lower-case ASCII letters and digits of @text ("Łukasz" → "lukasz", "O'Brien" → "obrien"). */
static char *
ascii_key (const char *text)
{
  g_autofree char *ascii = g_str_to_ascii (text, "C");
  GString *out = g_string_new (NULL);

  for (const char *p = ascii; *p; p++)
    if (g_ascii_isalnum (*p))
      g_string_append_c (out, g_ascii_tolower (*p));

  return g_string_free (out, FALSE);
}

/* RFC 4180: quote when needed. */
static void
append_csv (GString    *out,
            const char *value)
{
  if (strpbrk (value, ",\"\r\n") == NULL)
    {
      g_string_append (out, value);
      return;
    }

  g_string_append_c (out, '"');
  for (const char *p = value; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

static void
append_uint (GString *out,
             guint64  value)
{
  char tmp[24];
  int n = 0;

  do
    {
      tmp[n++] = '0' + value % 10;
      value /= 10;
    }
  while (value > 0);

  while (n > 0)
    g_string_append_c (out, tmp[--n]);
}

/* 1234567 → "1,234,567" */
static void
append_grouped (GString *out,
                guint64  value)
{
  char digits[24];
  int len = g_snprintf (digits, sizeof digits, "%" G_GUINT64_FORMAT, value);

  for (int i = 0; i < len; i++)
    {
      if (i > 0 && (len - i) % 3 == 0)
        g_string_append_c (out, ',');
      g_string_append_c (out, digits[i]);
    }
}

static inline void
put2 (char *p,
      guint v)
{
  p[0] = '0' + v / 10;
  p[1] = '0' + v % 10;
}

/* "2026-03-01T10:00:00Z" without GDateTime (days-from-civil inverse). */
static void
append_timestamp (GString *out,
                  gint64   t)
{
  char s[20];
  gint64 days = t / DAY;
  gint64 secs = t % DAY;
  gint64 era, y;
  guint doe, yoe, doy, mp, d, m;

  if (secs < 0)
    {
      secs += DAY;
      days--;
    }
  days += 719468;
  era = (days >= 0 ? days : days - 146096) / 146097;
  doe = (guint) (days - era * 146097);
  yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = (gint64) yoe + era * 400;
  doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;

  put2 (s, (guint) (y / 100) % 100);
  put2 (s + 2, (guint) (y % 100));
  s[4] = '-';
  put2 (s + 5, m);
  s[7] = '-';
  put2 (s + 8, d);
  s[10] = 'T';
  put2 (s + 11, (guint) (secs / 3600));
  s[13] = ':';
  put2 (s + 14, (guint) (secs / 60 % 60));
  s[16] = ':';
  put2 (s + 17, (guint) (secs % 60));
  g_string_append_len (out, s, 19);
  g_string_append_c (out, 'Z');
}

static gboolean
open_output (Demo        *demo,
             const char  *path,
             GError     **error)
{
  demo->path = path;
  if (!(demo->fp = g_fopen (path, "wb")))
    {
      int errsv = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   _("Could not create “%s”: %s"), path, g_strerror (errsv));
      return FALSE;
    }
  return TRUE;
}

static gboolean
write_out (Demo      *demo,
           gboolean   force,
           GError   **error)
{
  if (demo->buf->len == 0 || (!force && demo->buf->len < FLUSH_SIZE))
    return TRUE;

  if (fwrite (demo->buf->str, 1, demo->buf->len, demo->fp) != demo->buf->len)
    {
      int errsv = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   _("Could not write “%s”: %s"), demo->path, g_strerror (errsv));
      return FALSE;
    }
  g_string_truncate (demo->buf, 0);
  return TRUE;
}

static gboolean
close_output (Demo    *demo,
              GError **error)
{
  FILE *fp;

  if (!write_out (demo, TRUE, error))
    return FALSE;

  fp = g_steal_pointer (&demo->fp);
  if (fclose (fp) != 0)
    {
      int errsv = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   _("Could not write “%s”: %s"), demo->path, g_strerror (errsv));
      return FALSE;
    }
  return TRUE;
}

static void
make_companies (Demo  *demo,
                guint  n_leads)
{
  double industry_w[G_N_ELEMENTS (industries)];
  double country_w[G_N_ELEMENTS (countries)];

  for (guint i = 0; i < G_N_ELEMENTS (industries); i++)
    industry_w[i] = industries[i].weight;
  for (guint i = 0; i < G_N_ELEMENTS (countries); i++)
    country_w[i] = countries[i].weight;

  demo->n_companies = CLAMP (n_leads / 4, 40, 200000);
  demo->companies = g_new0 (Company, demo->n_companies);

  for (guint i = 0; i < demo->n_companies; i++)
    {
      Company *c = &demo->companies[i];
      const Industry *ind;
      const Country *country;
      const char *word = company_words[pick (demo, G_N_ELEMENTS (company_words))];
      const char *middle = company_middles[pick (demo, G_N_ELEMENTS (company_middles))];
      const char *suffix;
      g_autofree char *base = NULL;
      g_autofree char *key = NULL;
      double emp;

      c->industry = pick_weighted (demo, industry_w, G_N_ELEMENTS (industries));
      c->country = pick_weighted (demo, country_w, G_N_ELEMENTS (countries));
      ind = &industries[c->industry];
      country = &countries[c->country];
      suffix = ind->suffixes[pick (demo, g_strv_length ((char **) ind->suffixes))];

      base = *middle ? g_strdup_printf ("%s %s %s", word, middle, suffix)
                     : g_strdup_printf ("%s %s", word, suffix);
      key = ascii_key (base);
      c->domain = g_strdup_printf ("%s.%s", key, country->tld);

      /* Some exports carry the legal form, a few with a comma ("Acme Labs, Inc."). */
      if (uniform (demo) < 0.35)
        c->name = g_strdup_printf (uniform (demo) < 0.15 ? "%s, %s" : "%s %s", base, country->legal);
      else
        c->name = g_steal_pointer (&base);

      /* Company size: log-normal, most small, a few very large. */
      emp = exp (3.6 + 1.9 * normal (demo));
      c->employees = (guint) CLAMP (emp, 1, 50000);
      c->revenue = c->employees * ind->revenue_per_employee * exp (0.35 * normal (demo));
      c->revenue = MAX (1000, round (c->revenue / 1000) * 1000);
    }
}

static void
append_phone (Demo          *demo,
              GString       *out,
              const Country *country)
{
  g_string_append (out, country->phone_cc);
  g_string_append_c (out, ' ');
  append_uint (out, 200 + pick (demo, 800));
  g_string_append_c (out, ' ');
  append_uint (out, 100 + pick (demo, 900));
  g_string_append_c (out, ' ');
  g_string_append_printf (out, "%04u", pick (demo, 10000));
}

static gboolean
write_leads (Demo        *demo,
             guint        n_leads,
             GError     **error)
{
  double title_w[G_N_ELEMENTS (titles)];
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) first_keys = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) last_keys = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) email = g_string_new (NULL);
  GString *out = demo->buf;

  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    title_w[i] = titles[i].weight;
  for (guint i = 0; i < G_N_ELEMENTS (first_names); i++)
    g_ptr_array_add (first_keys, ascii_key (first_names[i]));
  for (guint i = 0; i < G_N_ELEMENTS (last_names); i++)
    g_ptr_array_add (last_keys, ascii_key (last_names[i]));

  g_string_append (out, "Email Address,First Name,Last Name,Job Title,Company Name,Website,"
                        "Industry,Number of Employees,Annual Revenue,Country,State/Province,City,"
                        "Phone Number,Lead Source,Technologies,Lead Owner,Created Date,Persona,"
                        "Budget\r\n");

  for (guint i = 0; i < n_leads; i++)
    {
      guint fi = pick (demo, G_N_ELEMENTS (first_names));
      guint li = pick (demo, G_N_ELEMENTS (last_names));
      guint ti = pick_weighted (demo, title_w, G_N_ELEMENTS (titles));
      const Company *company = &demo->companies[pick (demo, demo->n_companies)];
      const Country *country = &countries[company->country];
      const char *industry = industries[company->industry].name;
      const char *company_name = company->name;
      const char *website = company->domain;
      const char *title = titles[ti].title;
      Persona persona = titles[ti].persona;
      const char *mail_domain = company->domain;
      g_autofree char *student_domain = NULL;
      const char *place;
      const char *bar;
      double kind = uniform (demo);
      double z;
      gint64 created_age;
      guint employees = company->employees;
      double revenue = company->revenue;
      const char *fk = g_ptr_array_index (first_keys, fi);
      const char *lk = g_ptr_array_index (last_keys, li);
      guint pattern = pick (demo, 10);
      char *stored;

      /* ~2% students at a .edu address, ~1% a competitor, ~15% free mail. */
      if (kind < 0.02)
        {
          guint u = pick (demo, G_N_ELEMENTS (universities));
          g_autofree char *key = ascii_key (universities[u]);

          student_domain = g_strdup_printf ("%s.edu", key);
          mail_domain = student_domain;
          company_name = universities[u];
          website = student_domain;
          industry = "Education";
          title = uniform (demo) < 0.7 ? "Student" : "Marketing Intern";
          persona = P_STUDENT;
          employees = 2000 + pick (demo, 20000);
          revenue = 0;
        }
      else if (kind < 0.03)
        {
          mail_domain = "rival.example";
          company_name = "Rival Inc.";
          website = "rival.example";
          industry = "Software";
          employees = 800;
          revenue = 150000000;
        }
      else if (kind < 0.18)
        mail_domain = free_mail[pick (demo, G_N_ELEMENTS (free_mail))];

      g_string_truncate (email, 0);
      switch (pattern)
        {
        case 0: case 1: case 2: case 3: case 4:
          g_string_append_printf (email, "%s.%s", fk, lk);
          break;
        case 5: case 6:
          g_string_append_printf (email, "%c%s", fk[0], lk);
          break;
        case 7:
          g_string_append_printf (email, "%s_%s", fk, lk);
          break;
        case 8:
          g_string_append (email, fk);
          break;
        default:
          g_string_append_printf (email, "%s%c", fk, lk[0]);
          break;
        }
      {
        gsize local_len = email->len;
        guint attempt = 0;

        g_string_append_printf (email, "@%s", mail_domain);
        while (g_hash_table_contains (seen, email->str))
          {
            g_string_truncate (email, local_len);
            g_string_append_printf (email, "%u@%s", attempt < 8 ? 2 + attempt : 10 + pick (demo, 100000),
                                    mail_domain);
            attempt++;
          }
      }
      stored = g_string_chunk_insert_len (demo->chunk, email->str, email->len);
      g_hash_table_add (seen, stored);
      demo->emails[i] = stored;
      demo->email_lens[i] = (guint8) MIN (email->len, 255);

      /* Engagement heat: a normal draw; the top ~16% are warm to hot. */
      z = normal (demo);
      demo->heat[i] = (float) CLAMP ((z - 1.0) / 1.5, 0.0, 1.0);
      demo->flags[i] = (persona == P_STUDENT || uniform (demo) < 0.03) ? FLAG_JOB_SEEKER : 0;
      created_age = (gint64) (uniform (demo) * 400 * DAY) + 3600;
      demo->window[i] = (guint32) MIN (created_age, (gint64) WINDOW_DAYS * DAY);

      /* Email Address, First Name, Last Name, Job Title, Company Name, Website */
      g_string_append_len (out, stored, email->len);
      g_string_append_c (out, ',');
      append_csv (out, first_names[fi]);
      g_string_append_c (out, ',');
      append_csv (out, last_names[li]);
      g_string_append_c (out, ',');
      if (uniform (demo) < 0.95)
        append_csv (out, title);
      g_string_append_c (out, ',');
      append_csv (out, company_name);
      g_string_append_c (out, ',');
      {
        double r = uniform (demo);

        if (r < 0.5)
          g_string_append_printf (out, "https://www.%s", website);
        else if (r < 0.9)
          g_string_append (out, website);
      }
      g_string_append_c (out, ',');

      /* Industry, Number of Employees, Annual Revenue */
      if (uniform (demo) < 0.93)
        g_string_append (out, industry);
      g_string_append_c (out, ',');
      {
        double r = uniform (demo);

        if (r < 0.05 && employees >= 1000)
          {
            g_string_append_c (out, '"');
            append_grouped (out, employees);
            g_string_append_c (out, '"');
          }
        else if (r < 0.9)
          append_uint (out, employees);
      }
      g_string_append_c (out, ',');
      {
        double r = uniform (demo);
        guint64 rev = (guint64) revenue;

        if (rev == 0 || r >= 0.85)
          ;
        else if (r < 0.08 && rev >= 1000000)
          {
            g_string_append (out, "\"$");
            append_grouped (out, rev);
            g_string_append_c (out, '"');
          }
        else
          append_uint (out, rev);
      }
      g_string_append_c (out, ',');

      /* Country, State/Province, City, Phone Number */
      place = country->places[pick (demo, g_strv_length ((char **) country->places))];
      bar = strchr (place, '|');
      g_string_append (out, country->name);
      g_string_append_c (out, ',');
      g_string_append_len (out, place, bar - place);
      g_string_append_c (out, ',');
      g_string_append (out, bar + 1);
      g_string_append_c (out, ',');
      if (uniform (demo) < 0.8)
        append_phone (demo, out, country);
      g_string_append_c (out, ',');

      /* Lead Source, Technologies, Lead Owner, Created Date */
      g_string_append (out, pick_name (demo, lead_sources, G_N_ELEMENTS (lead_sources)));
      g_string_append_c (out, ',');
      if (uniform (demo) < 0.85)
        {
          guint n = 2 + pick (demo, 3);
          guint chosen[4];

          for (guint k = 0; k < n; k++)
            {
              gboolean dup;

              do
                {
                  chosen[k] = pick (demo, G_N_ELEMENTS (technologies));
                  dup = FALSE;
                  for (guint j = 0; j < k; j++)
                    dup |= chosen[j] == chosen[k];
                }
              while (dup);
              if (k > 0)
                g_string_append_c (out, ';');
              g_string_append (out, technologies[chosen[k]]);
            }
        }
      g_string_append_c (out, ',');
      append_csv (out, owners[pick (demo, G_N_ELEMENTS (owners))]);
      g_string_append_c (out, ',');
      append_timestamp (out, demo->now - created_age);
      g_string_append_c (out, ',');

      /* Persona, Budget */
      if (uniform (demo) < 0.8)
        g_string_append (out, persona_names[persona]);
      g_string_append_c (out, ',');
      append_csv (out, pick_name (demo, budgets, G_N_ELEMENTS (budgets)));
      g_string_append (out, "\r\n");

      if (!write_out (demo, FALSE, error))
        return FALSE;
    }

  return TRUE;
}

static void
append_event (Demo       *demo,
              guint       lead,
              const char *type,
              const char *detail,
              gint64      when)
{
  GString *out = demo->buf;

  g_string_append_len (out, demo->emails[lead], demo->email_lens[lead]);
  g_string_append_c (out, ',');
  g_string_append (out, type);
  g_string_append_c (out, ',');
  if (detail != NULL)
    append_csv (out, detail);
  g_string_append_c (out, ',');
  append_timestamp (out, when);
  g_string_append (out, "\r\n");
}

static const char *
event_detail (Demo          *demo,
              EventKind      kind,
              const double  *page_w)
{
  switch (kind)
    {
    case E_PAGE_VIEW:
      {
        guint p = pick_weighted (demo, page_w, N_PAGES);

        return p == PG_BLOG ? blog_slugs[pick (demo, G_N_ELEMENTS (blog_slugs))] : page_paths[p];
      }
    case E_EMAIL_OPEN:
    case E_EMAIL_CLICK:
      return email_campaigns[pick (demo, G_N_ELEMENTS (email_campaigns))];
    case E_CONTENT_DOWNLOAD:
      return assets[pick (demo, G_N_ELEMENTS (assets))];
    case E_WEBINAR_REGISTERED:
    case E_WEBINAR_ATTENDED:
      return webinars[pick (demo, G_N_ELEMENTS (webinars))];
    case E_NEWSLETTER_SIGNUP:
      return newsletter_places[pick (demo, G_N_ELEMENTS (newsletter_places))];
    case E_FORM_FILL:
      return forms[pick (demo, G_N_ELEMENTS (forms))];
    case E_FREE_TRIAL:
      return trials[pick (demo, G_N_ELEMENTS (trials))];
    case E_UNSUBSCRIBE:
      return unsubscribes[pick (demo, G_N_ELEMENTS (unsubscribes))];
    case N_EVENT_KINDS:
    default:
      g_assert_not_reached ();
    }
  return NULL;
}

static gboolean
write_events (Demo     *demo,
              guint     n_leads,
              guint64   n_events,
              GError  **error)
{
  g_autofree guint32 *counts = NULL;
  g_autofree double *weight = NULL;
  double total = 0;
  guint64 sum = 0;

  g_string_append (demo->buf, "email,type,detail,occurred_at\r\n");
  if (n_leads == 0 || n_events == 0)
    return TRUE;

  /* Events per lead: proportional to a log-normal weight (heavier for hot
   * leads), rounded at random, then nudged to the exact total. Most leads get
   * a handful of events; a few get a hundred. */
  counts = g_new0 (guint32, n_leads);
  weight = g_new (double, n_leads);
  for (guint i = 0; i < n_leads; i++)
    {
      weight[i] = exp (0.9 * normal (demo) + 2.2 * demo->heat[i]);
      total += weight[i];
    }
  for (guint i = 0; i < n_leads; i++)
    {
      double expected = (double) n_events * weight[i] / total;

      counts[i] = (guint32) MIN (floor (expected + uniform (demo)), G_MAXUINT32 / 2);
      sum += counts[i];
    }
  while (sum < n_events)
    {
      counts[pick (demo, n_leads)]++;
      sum++;
    }
  while (sum > n_events)
    {
      guint i = pick (demo, n_leads);

      while (counts[i] == 0)
        i = (i + 1) % n_leads;
      counts[i]--;
      sum--;
    }

  for (guint i = 0; i < n_leads; i++)
    {
      double h = demo->heat[i];
      double event_w[N_EVENT_KINDS];
      double page_w[N_PAGES];
      double shape = 1.0 + 2.5 * h;   /* hot leads' events cluster near now */
      guint32 n = counts[i];
      double r;

      if (n == 0)
        continue;

      for (guint k = 0; k < N_EVENT_KINDS; k++)
        event_w[k] = (1 - h) * event_weights_cold[k] + h * event_weights_hot[k];
      for (guint k = 0; k < N_PAGES; k++)
        page_w[k] = (1 - h) * page_weights_cold[k] + h * page_weights_hot[k];
      if (demo->flags[i] & FLAG_JOB_SEEKER)
        {
          page_w[PG_CAREERS] += 30;
          page_w[PG_CAREERS_ROLES] += 20;
        }

      /* Hand-raisers are rare (~1-2% of leads), mostly among the hot ones. */
      r = uniform (demo);
      if (r < 0.008 + 0.25 * h * h)
        {
          append_event (demo, i, "demo_request", "/demo",
                        demo->now - (gint64) (pow (uniform (demo), shape) * demo->window[i]));
          n--;
        }
      else if (r < 0.012 + 0.35 * h * h && n > 0)
        {
          append_event (demo, i, "contact_sales", "/contact-sales",
                        demo->now - (gint64) (pow (uniform (demo), shape) * demo->window[i]));
          n--;
        }

      for (guint32 e = 0; e < n; e++)
        {
          EventKind kind = pick_weighted (demo, event_w, N_EVENT_KINDS);
          const char *detail = event_detail (demo, kind, page_w);
          gint64 age = (gint64) (pow (uniform (demo), shape) * demo->window[i]);

          append_event (demo, i, event_names[kind], detail, demo->now - age);
        }

      if (!write_out (demo, FALSE, error))
        return FALSE;
    }

  return TRUE;
}

static void
resolve_options (const QualifyDemoOptions *options,
                 guint                    *n_leads,
                 guint64                  *n_events,
                 gint64                   *now)
{
  *n_leads = options->n_leads ? options->n_leads : DEFAULT_LEADS;
  *n_events = options->n_events ? options->n_events : (guint64) *n_leads * 10;
  *now = options->now ? options->now : DEFAULT_NOW;
}

/**
 * qualify_demo_write_csv:
 *
 * Writes @options->n_leads leads (0 = 5000) and exactly @options->n_events events
 * (0 = ten per lead), the same bytes for the same options.
 */
gboolean
qualify_demo_write_csv (const QualifyDemoOptions  *options,
                        const char                *leads_path,
                        const char                *events_path,
                        GError                   **error)
{
  g_auto(Demo) demo = { 0 };
  guint n_leads;
  guint64 n_events;

  g_return_val_if_fail (options != NULL, FALSE);
  g_return_val_if_fail (leads_path != NULL, FALSE);
  g_return_val_if_fail (events_path != NULL, FALSE);

  resolve_options (options, &n_leads, &n_events, &demo.now);

  demo.rand = g_rand_new_with_seed (options->seed);
  demo.buf = g_string_sized_new (FLUSH_SIZE + 64 * 1024);
  demo.chunk = g_string_chunk_new (1024 * 1024);
  demo.emails = g_new0 (const char *, MAX (n_leads, 1));
  demo.email_lens = g_new0 (guint8, MAX (n_leads, 1));
  demo.heat = g_new0 (float, MAX (n_leads, 1));
  demo.window = g_new0 (guint32, MAX (n_leads, 1));
  demo.flags = g_new0 (guint8, MAX (n_leads, 1));

  make_companies (&demo, n_leads);

  if (!open_output (&demo, leads_path, error) ||
      !write_leads (&demo, n_leads, error) ||
      !close_output (&demo, error))
    return FALSE;

  if (!open_output (&demo, events_path, error) ||
      !write_events (&demo, n_leads, n_events, error) ||
      !close_output (&demo, error))
    return FALSE;

  return TRUE;
}

static gboolean
import_file (QualifyStore       *store,
             QualifyImportKind   kind,
             const char         *path,
             GCancellable       *cancellable,
             GError            **error)
{
  g_autoptr(QualifyImporter) importer = qualify_importer_new (store, kind, path);
  QualifyImportStats stats = { 0 };

  if (!qualify_importer_run (importer, cancellable, NULL, NULL, &stats, error))
    return FALSE;

  if (stats.skipped > 0)
    g_warning ("Demo data: %" G_GUINT64_FORMAT " rows of %s were skipped", stats.skipped, path);

  return TRUE;
}

/**
 * qualify_demo_populate:
 *
 * Fills @store with demo data through the regular importer, installs the
 * default model when the workspace has no active one, and scores as of
 * @options->now.
 */
gboolean
qualify_demo_populate (QualifyStore              *store,
                       const QualifyDemoOptions  *options,
                       GCancellable              *cancellable,
                       GError                   **error)
{
  g_autofree char *dir = NULL;
  g_autofree char *leads_path = NULL;
  g_autofree char *events_path = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *active = NULL;
  guint n_leads;
  guint64 n_events;
  gint64 now;
  gboolean ok = FALSE;

  g_return_val_if_fail (QUALIFY_IS_STORE (store), FALSE);
  g_return_val_if_fail (options != NULL, FALSE);

  resolve_options (options, &n_leads, &n_events, &now);

  if (!(dir = g_dir_make_tmp ("qualify-demo-XXXXXX", error)))
    return FALSE;
  leads_path = g_build_filename (dir, "leads.csv", NULL);
  events_path = g_build_filename (dir, "events.csv", NULL);

  if (!qualify_demo_write_csv (options, leads_path, events_path, error) ||
      !import_file (store, QUALIFY_IMPORT_LEADS, leads_path, cancellable, error) ||
      !import_file (store, QUALIFY_IMPORT_EVENTS, events_path, cancellable, error))
    goto out;

  if (!(active = qualify_store_dup_active_model_json (store, NULL, &local_error)))
    {
      g_autoptr(QualifyModel) model = NULL;
      g_autofree char *json = NULL;

      if (!g_error_matches (local_error, QUALIFY_STORE_ERROR, QUALIFY_STORE_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          goto out;
        }

      model = qualify_model_new_default ();
      json = qualify_model_to_data (model, TRUE);
      if (qualify_store_save_model (store, qualify_model_get_name (model), json,
                                    _("Default model"), TRUE, error) <= 0)
        goto out;
    }

  ok = qualify_score_workspace (store, now, cancellable, NULL, error);

out:
  g_unlink (leads_path);
  g_unlink (events_path);
  g_rmdir (dir);
  return ok;
}
