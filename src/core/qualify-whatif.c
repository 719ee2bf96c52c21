/* qualify-whatif.c
 *
 * Copyright 2026 The Qualify Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "qualify-whatif"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "qualify-parse.h"
#include "qualify-scorer-private.h"
#include "qualify-store-private.h"
#include "qualify-whatif.h"

#define MAX_LISTED      QUALIFY_WHATIF_MAX_LISTED
/* Caches not used by the active model nor by the last KEEP_GENERATIONS
 * evaluations are dropped. */
#define KEEP_GENERATIONS 8
#define CANCEL_STRIDE   (1u << 16)

const double qualify_whatif_band_edges[QUALIFY_WHATIF_BANDS - 1] = { 0, 10, 25, 50 };

typedef enum
{
  CACHE_FIELD,
  CACHE_ENGAGEMENT,
} CacheKind;

/* The effect of one rule definition on every lead. */
typedef struct
{
  CacheKind  kind;
  guint64    last_used;     /* evaluation generation */
  gboolean   pinned;        /* used by the active model */
  guint64    n_leads;       /* leads matched */
  guint64    n_events;      /* engagement: events counted */

  /* CACHE_FIELD: one bit per lead */
  guint64   *bits;

  /* CACHE_ENGAGEMENT: for leads with ≥ 1 counted event, ascending lead index
   * and Σ 0.5^(age/half_life) in the lead's event order (the scorer's sum) */
  guint32   *leads;
  double    *decayed;
} RuleCache;

struct _QualifyWhatIf
{
  GObject            parent_instance;

  QualifyStore      *store;
  QualifyDataset    *dataset;
  QualifyModel      *active;
  GPtrArray         *retired;      /* earlier active models, kept alive for callers holding them */
  gint64             active_version;
  gint64             as_of;
  guint              n;            /* leads */
  guint              n_words;      /* 64-bit words of a lead bitset */

  /* Serializes evaluations, cache building, column loading and use of @store. */
  GMutex             lock;
  /* Guards @caches (read by qualify_whatif_is_cached() from any thread). */
  GMutex             cache_lock;
  GHashTable        *caches;       /* definition key → RuleCache */
  guint64            generation;

  /* Per event type id: leads having such an event at or before as-of. */
  guint              n_types;
  guint64          **type_bits;
  guint64           *type_events;      /* events ≤ as-of */
  guint64           *type_leads;
  guint64           *type_events_all;  /* every event */

  /* The active model's outcome. */
  double            *a_score;
  double            *a_engagement;
  guint8            *a_status;
  guint8            *a_grade;
  guint64            a_counts[QUALIFY_N_STATUSES];

  /* Scratch for a draft, reused (under @lock). */
  double            *d_fit;
  double            *d_engagement;
  guint8            *d_status;
  guint8            *d_grade;

  /* The connection is ours alone (opened by new_async): PRAGMA data_version read
   * before loading tells whether another connection changed the workspace since,
   * so apply can reuse the dataset. -1 = never reuse. */
  gint64             data_version;

  /* Latest-wins for evaluate_async. */
  GMutex             async_lock;
  GCancellable      *pending;
};

G_DEFINE_FINAL_TYPE (QualifyWhatIf, qualify_whatif, G_TYPE_OBJECT)

static void
rule_cache_free (RuleCache *cache)
{
  g_free (cache->bits);
  g_free (cache->leads);
  g_free (cache->decayed);
  g_free (cache);
}

static void
qualify_whatif_finalize (GObject *object)
{
  QualifyWhatIf *self = QUALIFY_WHATIF (object);

  g_clear_object (&self->dataset);
  g_clear_object (&self->active);
  g_clear_pointer (&self->retired, g_ptr_array_unref);
  g_clear_object (&self->store);
  g_clear_object (&self->pending);
  g_clear_pointer (&self->caches, g_hash_table_unref);
  for (guint t = 0; t < self->n_types; t++)
    g_free (self->type_bits[t]);
  g_free (self->type_bits);
  g_free (self->type_events);
  g_free (self->type_leads);
  g_free (self->type_events_all);
  g_free (self->a_score);
  g_free (self->a_engagement);
  g_free (self->a_status);
  g_free (self->a_grade);
  g_free (self->d_fit);
  g_free (self->d_engagement);
  g_free (self->d_status);
  g_free (self->d_grade);
  g_mutex_clear (&self->lock);
  g_mutex_clear (&self->cache_lock);
  g_mutex_clear (&self->async_lock);

  G_OBJECT_CLASS (qualify_whatif_parent_class)->finalize (object);
}

static void
qualify_whatif_class_init (QualifyWhatIfClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = qualify_whatif_finalize;
}

static void
qualify_whatif_init (QualifyWhatIf *self)
{
  g_mutex_init (&self->lock);
  g_mutex_init (&self->cache_lock);
  g_mutex_init (&self->async_lock);
  self->caches = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) rule_cache_free);
  self->retired = g_ptr_array_new_with_free_func (g_object_unref);
}

/* Helpers ------------------------------------------------------------------ */

static gboolean
is_cancelled (GCancellable *a,
              GCancellable *b)
{
  return g_cancellable_is_cancelled (a) || g_cancellable_is_cancelled (b);
}

static gboolean
set_cancelled (GCancellable  *a,
               GCancellable  *b,
               GError       **error)
{
  if (!is_cancelled (a, b))
    return FALSE;
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("The preview was superseded or cancelled"));
  return TRUE;
}

static guint
n_threads_for (guint n)
{
  return n < 20000 ? 1 : CLAMP (g_get_num_processors (), 1, 16);
}

/* Lead range of chunk @t of @n_threads, boundaries on 64-lead words. */
static void
chunk_range (guint  n,
             guint  n_threads,
             guint  t,
             guint *begin,
             guint *end)
{
  guint64 words = ((guint64) n + 63) / 64;

  *begin = (guint) MIN ((guint64) n, words * t / n_threads * 64);
  *end = (guint) MIN ((guint64) n, words * (t + 1) / n_threads * 64);
}

typedef gpointer (*ChunkFunc) (gpointer data);

/* Runs @func on @n_threads items of @items (each @size bytes), the first on this thread. */
static void
run_chunks (ChunkFunc  func,
            gpointer   items,
            gsize      size,
            guint      n_threads)
{
  g_autofree GThread **threads = g_new0 (GThread *, n_threads);

  for (guint t = 1; t < n_threads; t++)
    threads[t] = g_thread_new ("qualify-whatif", func, (char *) items + t * size);
  func (items);
  for (guint t = 1; t < n_threads; t++)
    g_thread_join (threads[t]);
}

static void
append_double (GString *key,
               double   v)
{
  g_string_append_printf (key, "\x1f%a", v);
}

static char *
field_key (const QualifyFieldRule *rule)
{
  GString *key = g_string_new ("F\x1f");

  g_string_append (key, _qualify_field_rule_get_column (rule));
  g_string_append_printf (key, "\x1f%d", rule->op);
  for (guint i = 0; rule->values != NULL && rule->values[i] != NULL; i++)
    {
      g_string_append_c (key, '\x1e');
      g_string_append (key, rule->values[i]);
    }
  append_double (key, rule->lo);
  append_double (key, rule->hi);
  g_string_append_printf (key, "\x1f%d", rule->has_number ? 1 : 0);
  return g_string_free (key, FALSE);
}

static char *
engagement_key (const QualifyEngagementRule *rule)
{
  GString *key = g_string_new ("E\x1f");

  g_string_append (key, rule->event ? rule->event : "");
  g_string_append_c (key, '\x1f');
  if (rule->match != NULL)
    {
      g_string_append_c (key, '=');
      g_string_append (key, rule->match);
    }
  append_double (key, rule->half_life_days);
  append_double (key, rule->within_days);
  return g_string_free (key, FALSE);
}

static guint64
popcount_bits (const guint64 *bits,
               guint          n_words)
{
  guint64 count = 0;

  for (guint w = 0; w < n_words; w++)
    count += __builtin_popcountll (bits[w]);
  return count;
}

/* Field rule caches --------------------------------------------------------- */

typedef struct
{
  const QualifyColumn *column;
  const guint8        *match;
  guint64             *bits;
  guint                begin;
  guint                end;
} FieldChunk;

static gpointer
field_chunk (gpointer data)
{
  FieldChunk *c = data;

  for (guint i = c->begin; i < c->end; i++)
    if (c->match[c->column->ids[i]])
      c->bits[i >> 6] |= G_GUINT64_CONSTANT (1) << (i & 63);

  return NULL;
}

static RuleCache *
build_field_cache (QualifyWhatIf           *self,
                   const QualifyFieldRule  *rule,
                   GError                 **error)
{
  const QualifyColumn *column;
  g_autofree guint8 *match = NULL;
  g_autofree FieldChunk *chunks = NULL;
  RuleCache *cache;
  guint n_threads = n_threads_for (self->n);

  if (!(column = _qualify_dataset_get_column (self->dataset, _qualify_field_rule_get_column (rule), error)))
    return NULL;

  match = _qualify_field_rule_compile (rule, column);
  cache = g_new0 (RuleCache, 1);
  cache->kind = CACHE_FIELD;
  cache->bits = g_new0 (guint64, MAX (self->n_words, 1));

  chunks = g_new0 (FieldChunk, n_threads);
  for (guint t = 0; t < n_threads; t++)
    {
      chunks[t].column = column;
      chunks[t].match = match;
      chunks[t].bits = cache->bits;
      chunk_range (self->n, n_threads, t, &chunks[t].begin, &chunks[t].end);
    }
  run_chunks (field_chunk, chunks, sizeof *chunks, n_threads);

  cache->n_leads = popcount_bits (cache->bits, self->n_words);
  return cache;
}

/* Engagement rule caches ---------------------------------------------------- */

/* Up to 64 engagement rules built in one pass over the events: event e counts
 * for rule r when bit r is set in type_mask[type] & detail_mask[detail] (as in
 * the scorer), and the per-lead sums are added in the lead's event order. */
typedef struct
{
  const QualifyEventIndex *ev;
  guint                    n_rules;
  const guint64           *type_mask;
  const guint64           *detail_mask;
  const double            *inv_half_life;
  const double            *within;
  gint64                   as_of;
  guint                    begin;
  guint                    end;
  GCancellable            *c1;
  GCancellable            *c2;
  /* out, per rule */
  GArray                  *leads[64];
  GArray                  *decayed[64];
  guint64                  n_events[64];
  gboolean                 cancelled;
} EngagementChunk;

static gpointer
engagement_chunk (gpointer data)
{
  EngagementChunk *c = data;
  const QualifyEventIndex *ev = c->ev;
  double decayed[64] = { 0 };

  for (guint i = c->begin; i < c->end; i++)
    {
      guint64 end = ev->offsets[i + 1];
      guint64 touched = 0;

      if (((i - c->begin) & (CANCEL_STRIDE - 1)) == 0 && is_cancelled (c->c1, c->c2))
        {
          c->cancelled = TRUE;
          return NULL;
        }

      for (guint64 e = ev->offsets[i]; e < end; e++)
        {
          guint64 mask = c->type_mask[ev->type_ids[e]];
          gint64 t;
          double age;

          if (mask == 0 || (mask &= c->detail_mask[ev->detail_ids[e]]) == 0)
            continue;
          if ((t = ev->times[e]) > c->as_of)
            continue;

          /* exactly the scorer's arithmetic, in the same event order */
          age = (double) (c->as_of - t) / QUALIFY_SECONDS_PER_DAY;
          while (mask != 0)
            {
              guint r = __builtin_ctzll (mask);

              mask &= mask - 1;
              if (c->within[r] > 0 && age > c->within[r])
                continue;
              decayed[r] += c->inv_half_life[r] > 0 ? exp2 (-age * c->inv_half_life[r]) : 1.0;
              c->n_events[r]++;
              touched |= G_GUINT64_CONSTANT (1) << r;
            }
        }

      while (touched != 0)
        {
          guint r = __builtin_ctzll (touched);
          guint32 lead = i;

          touched &= touched - 1;
          g_array_append_val (c->leads[r], lead);
          g_array_append_val (c->decayed[r], decayed[r]);
          decayed[r] = 0;
        }
    }

  return NULL;
}

/* @glob already normalized; NULL = any detail (as the scorer: detail NULL is ""). */
static gboolean
detail_matches (const char *glob,
                const char *detail)
{
  return glob == NULL || qualify_glob_match (glob, detail ? detail : "");
}

/* Builds caches for @rules (at most 64) in one pass; NULL entries on error. */
static gboolean
build_engagement_caches (QualifyWhatIf                       *self,
                         const QualifyEngagementRule * const *rules,
                         guint                                n_rules,
                         RuleCache                          **out,
                         GCancellable                        *c1,
                         GCancellable                        *c2,
                         GError                             **error)
{
  const QualifyEventIndex *ev = _qualify_dataset_get_events (self->dataset);
  g_autofree guint64 *type_mask = g_new0 (guint64, MAX (ev->types->len, 1));
  g_autofree guint64 *detail_mask = g_new0 (guint64, MAX (ev->details_normal->len, 1));
  g_autofree EngagementChunk *chunks = NULL;
  double inv_half_life[64], within[64];
  guint n_threads = n_threads_for (self->n);
  gboolean cancelled = FALSE;

  g_return_val_if_fail (n_rules <= 64, FALSE);

  for (guint r = 0; r < n_rules; r++)
    {
      const QualifyEngagementRule *rule = rules[r];
      guint64 bit = G_GUINT64_CONSTANT (1) << r;

      inv_half_life[r] = rule->half_life_days > 0 ? 1.0 / rule->half_life_days : 0;
      within[r] = rule->within_days;
      for (guint t = 1; t < ev->types->len; t++)
        {
          const char *name = g_ptr_array_index (ev->types, t);

          if (name != NULL && g_strcmp0 (name, rule->event) == 0)
            type_mask[t] |= bit;
        }
      for (guint d = 0; d < ev->details_normal->len; d++)
        if (detail_matches (rule->match, g_ptr_array_index (ev->details_normal, d)))
          detail_mask[d] |= bit;
    }

  chunks = g_new0 (EngagementChunk, n_threads);
  for (guint t = 0; t < n_threads; t++)
    {
      EngagementChunk *c = &chunks[t];

      c->ev = ev;
      c->n_rules = n_rules;
      c->type_mask = type_mask;
      c->detail_mask = detail_mask;
      c->inv_half_life = inv_half_life;
      c->within = within;
      c->as_of = self->as_of;
      c->c1 = c1;
      c->c2 = c2;
      for (guint r = 0; r < n_rules; r++)
        {
          c->leads[r] = g_array_new (FALSE, FALSE, sizeof (guint32));
          c->decayed[r] = g_array_new (FALSE, FALSE, sizeof (double));
        }
      chunk_range (self->n, n_threads, t, &c->begin, &c->end);
    }
  run_chunks (engagement_chunk, chunks, sizeof *chunks, n_threads);

  for (guint t = 0; t < n_threads; t++)
    cancelled |= chunks[t].cancelled;

  for (guint r = 0; r < n_rules; r++)
    {
      RuleCache *cache = NULL;
      guint64 total = 0, at = 0;

      for (guint t = 0; t < n_threads; t++)
        total += chunks[t].leads[r]->len;

      if (!cancelled)
        {
          cache = g_new0 (RuleCache, 1);
          cache->kind = CACHE_ENGAGEMENT;
          cache->n_leads = total;
          cache->leads = g_new (guint32, MAX (total, 1));
          cache->decayed = g_new (double, MAX (total, 1));
        }

      for (guint t = 0; t < n_threads; t++)
        {
          EngagementChunk *c = &chunks[t];
          guint len = c->leads[r]->len;

          if (cache != NULL && len > 0)
            {
              memcpy (cache->leads + at, c->leads[r]->data, sizeof (guint32) * len);
              memcpy (cache->decayed + at, c->decayed[r]->data, sizeof (double) * len);
            }
          if (cache != NULL)
            cache->n_events += c->n_events[r];
          at += len;
          g_array_unref (c->leads[r]);
          g_array_unref (c->decayed[r]);
        }

      out[r] = cache;
    }

  if (cancelled)
    {
      set_cancelled (c1, c2, error);
      return FALSE;
    }

  return TRUE;
}

/* Builds, in as few passes over the events as possible, the caches of the
 * engagement rules of @model that are missing. With @lock. */
static gboolean
ensure_engagement_caches (QualifyWhatIf  *self,
                          QualifyModel   *model,
                          GCancellable   *c1,
                          GCancellable   *c2,
                          guint          *n_built,
                          GError        **error)
{
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) rules = g_ptr_array_new ();

  g_mutex_lock (&self->cache_lock);
  for (guint i = 0; i < qualify_model_get_n_engagement_rules (model); i++)
    {
      const QualifyEngagementRule *rule = qualify_model_get_engagement_rule (model, i);
      char *key = engagement_key (rule);

      if (g_hash_table_contains (self->caches, key) ||
          g_ptr_array_find_with_equal_func (keys, key, g_str_equal, NULL))
        {
          g_free (key);
          continue;
        }
      g_ptr_array_add (keys, key);
      g_ptr_array_add (rules, (gpointer) rule);
    }
  g_mutex_unlock (&self->cache_lock);

  for (guint first = 0; first < rules->len; first += 64)
    {
      guint n = MIN (rules->len - first, 64);
      RuleCache *built[64] = { NULL };

      if (set_cancelled (c1, c2, error) ||
          !build_engagement_caches (self, (const QualifyEngagementRule * const *) rules->pdata + first,
                                    n, built, c1, c2, error))
        return FALSE;

      g_mutex_lock (&self->cache_lock);
      for (guint r = 0; r < n; r++)
        g_hash_table_insert (self->caches, g_strdup (g_ptr_array_index (keys, first + r)), built[r]);
      g_mutex_unlock (&self->cache_lock);
    }

  *n_built += rules->len;
  return TRUE;
}

/* Looks up or builds the cache for @key. Called with @lock held. */
static RuleCache *
get_cache (QualifyWhatIf                *self,
           const char                   *key,
           const QualifyFieldRule       *field_rule,
           const QualifyEngagementRule  *engagement_rule,
           GCancellable                 *c1,
           GCancellable                 *c2,
           gboolean                     *reused,
           GError                      **error)
{
  RuleCache *cache;

  g_mutex_lock (&self->cache_lock);
  cache = g_hash_table_lookup (self->caches, key);
  g_mutex_unlock (&self->cache_lock);

  *reused = cache != NULL;
  if (cache == NULL)
    {
      if (set_cancelled (c1, c2, error))
        return NULL;
      if (field_rule == NULL)
        {
          /* engagement caches are built beforehand by ensure_engagement_caches() */
          RuleCache *built[1] = { NULL };

          if (!build_engagement_caches (self, &engagement_rule, 1, built, c1, c2, error))
            return NULL;
          cache = built[0];
        }
      else if (!(cache = build_field_cache (self, field_rule, error)))
        return NULL;

      g_mutex_lock (&self->cache_lock);
      g_hash_table_insert (self->caches, g_strdup (key), cache);
      g_mutex_unlock (&self->cache_lock);
    }

  cache->last_used = self->generation;
  return cache;
}

/* Event types --------------------------------------------------------------- */

typedef struct
{
  const QualifyEventIndex *ev;
  guint                    n_types;
  gint64                   as_of;
  guint64                **bits;
  guint64                 *events;
  guint64                 *events_all;
  guint                    begin;
  guint                    end;
} TypeChunk;

static gpointer
type_chunk (gpointer data)
{
  TypeChunk *c = data;

  for (guint i = c->begin; i < c->end; i++)
    for (guint64 e = c->ev->offsets[i]; e < c->ev->offsets[i + 1]; e++)
      {
        guint32 t = c->ev->type_ids[e];

        if (t >= c->n_types)
          continue;
        c->events_all[t]++;
        if (c->ev->times[e] > c->as_of)
          continue;
        c->events[t]++;
        c->bits[t][i >> 6] |= G_GUINT64_CONSTANT (1) << (i & 63);
      }

  return NULL;
}

static void
build_type_bits (QualifyWhatIf *self)
{
  const QualifyEventIndex *ev = _qualify_dataset_get_events (self->dataset);
  guint n_threads = n_threads_for (self->n);
  g_autofree TypeChunk *chunks = g_new0 (TypeChunk, n_threads);

  self->n_types = ev->types->len;
  self->type_bits = g_new0 (guint64 *, MAX (self->n_types, 1));
  self->type_events = g_new0 (guint64, MAX (self->n_types, 1));
  self->type_events_all = g_new0 (guint64, MAX (self->n_types, 1));
  self->type_leads = g_new0 (guint64, MAX (self->n_types, 1));
  for (guint t = 0; t < self->n_types; t++)
    self->type_bits[t] = g_new0 (guint64, MAX (self->n_words, 1));

  for (guint t = 0; t < n_threads; t++)
    {
      chunks[t].ev = ev;
      chunks[t].n_types = self->n_types;
      chunks[t].as_of = self->as_of;
      chunks[t].bits = self->type_bits;
      chunks[t].events = g_new0 (guint64, MAX (self->n_types, 1));
      chunks[t].events_all = g_new0 (guint64, MAX (self->n_types, 1));
      chunk_range (self->n, n_threads, t, &chunks[t].begin, &chunks[t].end);
    }
  run_chunks (type_chunk, chunks, sizeof *chunks, n_threads);

  for (guint t = 0; t < n_threads; t++)
    {
      for (guint k = 0; k < self->n_types; k++)
        {
          self->type_events[k] += chunks[t].events[k];
          self->type_events_all[k] += chunks[t].events_all[k];
        }
      g_free (chunks[t].events);
      g_free (chunks[t].events_all);
    }
  for (guint k = 0; k < self->n_types; k++)
    self->type_leads[k] = popcount_bits (self->type_bits[k], self->n_words);
}

/* Evaluation ---------------------------------------------------------------- */

typedef struct
{
  double          points;
  const guint64  *bits;
} FitTerm;

typedef struct
{
  double          points;
  double          cap;
  const RuleCache *cache;
} EngagementTerm;

/* A draft compiled against the caches. */
typedef struct
{
  guint           n_fit;
  FitTerm        *fit;
  guint           n_disqualify;
  const guint64 **disqualify;
  guint           n_engagement;
  EngagementTerm *engagement;
  guint           n_sales_ready;
  const guint64 **sales_ready;   /* type bitsets */
  double          mql;
  double          min_fit;
  double          min_engagement;
  guint           n_grades;
  double          bounds[256];
  GArray         *stats;         /* of QualifyWhatIfRuleStat */
  guint           n_built;
} Plan;

static void
rule_stat_clear (gpointer data)
{
  QualifyWhatIfRuleStat *stat = data;

  g_free (stat->id);
}

static void
plan_clear (Plan *plan)
{
  g_free (plan->fit);
  g_free (plan->disqualify);
  g_free (plan->engagement);
  g_free (plan->sales_ready);
  g_clear_pointer (&plan->stats, g_array_unref);
}

static void
add_stat (Plan                    *plan,
          QualifyContributionKind  kind,
          guint                    index,
          const char              *id,
          guint64                  leads,
          guint64                  events,
          gboolean                 reused)
{
  QualifyWhatIfRuleStat stat = { kind, index, g_strdup (id), leads, events, reused };

  g_array_append_val (plan->stats, stat);
  plan->n_built += !reused;
}

static gboolean
plan_init (QualifyWhatIf  *self,
           QualifyModel   *model,
           Plan           *plan,
           GCancellable   *c1,
           GCancellable   *c2,
           GError        **error)
{
  const QualifyEventIndex *ev = _qualify_dataset_get_events (self->dataset);
  const char * const *sales_ready = qualify_model_get_sales_ready (model);
  g_autoptr(GPtrArray) fields = g_ptr_array_new ();
  g_autofree gboolean *was_cached = NULL;
  guint n_built = 0;

  memset (plan, 0, sizeof *plan);
  plan->stats = g_array_new (FALSE, TRUE, sizeof (QualifyWhatIfRuleStat));
  g_array_set_clear_func (plan->stats, rule_stat_clear);

  /* Load every missing column in one scan of the leads table. */
  for (guint i = 0; i < qualify_model_get_n_fit_rules (model); i++)
    g_ptr_array_add (fields, (gpointer) _qualify_field_rule_get_column (qualify_model_get_fit_rule (model, i)));
  for (guint i = 0; i < qualify_model_get_n_disqualify_rules (model); i++)
    g_ptr_array_add (fields, (gpointer) _qualify_field_rule_get_column (qualify_model_get_disqualify_rule (model, i)));
  if (!_qualify_dataset_load_columns (self->dataset, (const char * const *) fields->pdata, fields->len, error))
    return FALSE;

  plan->n_fit = qualify_model_get_n_fit_rules (model);
  plan->fit = g_new0 (FitTerm, MAX (plan->n_fit, 1));
  for (guint i = 0; i < plan->n_fit; i++)
    {
      const QualifyFieldRule *rule = qualify_model_get_fit_rule (model, i);
      g_autofree char *key = field_key (rule);
      gboolean reused;
      RuleCache *cache = get_cache (self, key, rule, NULL, c1, c2, &reused, error);

      if (cache == NULL)
        return FALSE;
      plan->fit[i].points = rule->points;
      plan->fit[i].bits = cache->bits;
      add_stat (plan, QUALIFY_CONTRIBUTION_FIT, i, rule->id, cache->n_leads, 0, reused);
    }

  plan->n_disqualify = qualify_model_get_n_disqualify_rules (model);
  plan->disqualify = g_new0 (const guint64 *, MAX (plan->n_disqualify, 1));
  for (guint i = 0; i < plan->n_disqualify; i++)
    {
      const QualifyFieldRule *rule = qualify_model_get_disqualify_rule (model, i);
      g_autofree char *key = field_key (rule);
      gboolean reused;
      RuleCache *cache = get_cache (self, key, rule, NULL, c1, c2, &reused, error);

      if (cache == NULL)
        return FALSE;
      plan->disqualify[i] = cache->bits;
      add_stat (plan, QUALIFY_CONTRIBUTION_DISQUALIFY, i, rule->id, cache->n_leads, 0, reused);
    }

  plan->n_engagement = qualify_model_get_n_engagement_rules (model);
  plan->engagement = g_new0 (EngagementTerm, MAX (plan->n_engagement, 1));
  was_cached = g_new0 (gboolean, MAX (plan->n_engagement, 1));
  g_mutex_lock (&self->cache_lock);
  for (guint i = 0; i < plan->n_engagement; i++)
    {
      g_autofree char *key = engagement_key (qualify_model_get_engagement_rule (model, i));
      was_cached[i] = g_hash_table_contains (self->caches, key);
    }
  g_mutex_unlock (&self->cache_lock);
  if (!ensure_engagement_caches (self, model, c1, c2, &n_built, error))
    return FALSE;
  for (guint i = 0; i < plan->n_engagement; i++)
    {
      const QualifyEngagementRule *rule = qualify_model_get_engagement_rule (model, i);
      g_autofree char *key = engagement_key (rule);
      gboolean reused;
      RuleCache *cache = get_cache (self, key, NULL, rule, c1, c2, &reused, error);

      if (cache == NULL)
        return FALSE;
      plan->engagement[i].points = rule->points;
      plan->engagement[i].cap = rule->cap;
      plan->engagement[i].cache = cache;
      add_stat (plan, QUALIFY_CONTRIBUTION_ENGAGEMENT, i, rule->id, cache->n_leads, cache->n_events,
                reused && was_cached[i]);
    }

  plan->sales_ready = g_new0 (const guint64 *, MAX (self->n_types, 1));
  for (guint i = 0; sales_ready != NULL && sales_ready[i] != NULL; i++)
    {
      guint64 events = 0, leads = 0;

      for (guint t = 1; t < self->n_types; t++)
        if (g_strcmp0 (g_ptr_array_index (ev->types, t), sales_ready[i]) == 0)
          {
            gboolean seen = FALSE;

            for (guint k = 0; k < plan->n_sales_ready; k++)
              seen |= plan->sales_ready[k] == self->type_bits[t];
            if (!seen)
              plan->sales_ready[plan->n_sales_ready++] = self->type_bits[t];
            events += self->type_events[t];
            leads += self->type_leads[t];
          }
      add_stat (plan, QUALIFY_CONTRIBUTION_SALES_READY, i, sales_ready[i], leads, events, TRUE);
    }

  plan->mql = qualify_model_get_mql_threshold (model);
  plan->min_fit = qualify_model_get_min_fit (model);
  plan->min_engagement = qualify_model_get_min_engagement (model);
  plan->n_grades = MIN (qualify_model_get_n_grades (model), G_N_ELEMENTS (plan->bounds));
  for (guint g = 0; g < plan->n_grades; g++)
    plan->bounds[g] = qualify_model_get_grade (model, g)->bound;

  return TRUE;
}

static inline guint8
plan_grade (const Plan *plan,
            double      fit)
{
  for (guint g = 0; g < plan->n_grades; g++)
    if (plan->bounds[g] <= fit)
      return g;
  return plan->n_grades;
}

typedef struct
{
  QualifyWhatIf *self;
  const Plan    *plan;
  guint          begin;
  guint          end;
  GCancellable  *c1;
  GCancellable  *c2;
  gboolean       cancelled;
  double         lo;
  double         hi;
  guint64        counts[QUALIFY_N_STATUSES];
} ScoreChunk;

static guint64
lower_bound (const guint32 *leads,
             guint64        n,
             guint          value)
{
  guint64 lo = 0, hi = n;

  while (lo < hi)
    {
      guint64 mid = lo + (hi - lo) / 2;

      if (leads[mid] < value)
        lo = mid + 1;
      else
        hi = mid;
    }

  return lo;
}

/* fit, engagement, status and grade of leads [begin, end) into the d_* scratch. */
static gpointer
score_chunk (gpointer data)
{
  ScoreChunk *c = data;
  QualifyWhatIf *self = c->self;
  const Plan *plan = c->plan;
  double *fit = self->d_fit;
  double *engagement = self->d_engagement;
  guint w_begin = c->begin >> 6;
  guint w_end = (c->end + 63) >> 6;

  memset (fit + c->begin, 0, sizeof (double) * (c->end - c->begin));
  memset (engagement + c->begin, 0, sizeof (double) * (c->end - c->begin));

  /* fit: points of each matching rule, rules in model order (the scorer's sum) */
  for (guint r = 0; r < plan->n_fit; r++)
    {
      const guint64 *bits = plan->fit[r].bits;
      double points = plan->fit[r].points;

      for (guint w = w_begin; w < w_end; w++)
        {
          guint64 word = bits[w];

          while (word != 0)
            {
              guint i = (w << 6) + __builtin_ctzll (word);

              word &= word - 1;
              fit[i] += points;
            }
        }
    }

  /* engagement: Σ clamp(points · decayed) over rules in model order; leads
   * without events add ±0, which changes no sum */
  for (guint r = 0; r < plan->n_engagement; r++)
    {
      const RuleCache *cache = plan->engagement[r].cache;
      double points = plan->engagement[r].points;
      double cap = plan->engagement[r].cap;
      guint64 k = lower_bound (cache->leads, cache->n_leads, c->begin);

      for (; k < cache->n_leads && cache->leads[k] < c->end; k++)
        {
          double sum = points * cache->decayed[k];

          if (cap > 0)
            sum = CLAMP (sum, -cap, cap);
          engagement[cache->leads[k]] += sum;
        }
    }

  if (is_cancelled (c->c1, c->c2))
    {
      c->cancelled = TRUE;
      return NULL;
    }

  c->lo = G_MAXDOUBLE;
  c->hi = -G_MAXDOUBLE;
  for (guint w = w_begin; w < w_end; w++)
    {
      guint64 disqualified = 0, sales_ready = 0;
      guint first = w << 6;
      guint last = MIN (first + 64, c->end);

      for (guint r = 0; r < plan->n_disqualify; r++)
        disqualified |= plan->disqualify[r][w];
      for (guint r = 0; r < plan->n_sales_ready; r++)
        sales_ready |= plan->sales_ready[r][w];

      for (guint i = first; i < last; i++)
        {
          guint64 bit = G_GUINT64_CONSTANT (1) << (i & 63);
          double f = fit[i], e = engagement[i];
          double score = f + e;
          QualifyStatus status;

          if (disqualified & bit)
            status = QUALIFY_STATUS_DISQUALIFIED;
          else if (sales_ready & bit)
            status = QUALIFY_STATUS_SQL;
          else if (score >= plan->mql && f >= plan->min_fit && e >= plan->min_engagement)
            status = QUALIFY_STATUS_MQL;
          else
            status = QUALIFY_STATUS_LEAD;

          self->d_status[i] = status;
          self->d_grade[i] = plan_grade (plan, f);
          c->counts[status]++;
          c->lo = MIN (c->lo, score);
          c->hi = MAX (c->hi, score);
        }
    }

  return NULL;
}

/* Scores @plan into the d_* scratch. Returns FALSE when cancelled. */
static gboolean
score_plan (QualifyWhatIf *self,
            const Plan    *plan,
            GCancellable  *c1,
            GCancellable  *c2,
            guint64        counts[QUALIFY_N_STATUSES],
            double        *lo,
            double        *hi)
{
  guint n_threads = n_threads_for (self->n);
  g_autofree ScoreChunk *chunks = g_new0 (ScoreChunk, n_threads);
  gboolean cancelled = FALSE;

  for (guint t = 0; t < n_threads; t++)
    {
      chunks[t].self = self;
      chunks[t].plan = plan;
      chunks[t].c1 = c1;
      chunks[t].c2 = c2;
      chunk_range (self->n, n_threads, t, &chunks[t].begin, &chunks[t].end);
    }
  run_chunks (score_chunk, chunks, sizeof *chunks, n_threads);

  memset (counts, 0, sizeof (guint64) * QUALIFY_N_STATUSES);
  *lo = G_MAXDOUBLE;
  *hi = -G_MAXDOUBLE;
  for (guint t = 0; t < n_threads; t++)
    {
      cancelled |= chunks[t].cancelled;
      for (guint s = 0; s < QUALIFY_N_STATUSES; s++)
        counts[s] += chunks[t].counts[s];
      if (chunks[t].end > chunks[t].begin)
        {
          *lo = MIN (*lo, chunks[t].lo);
          *hi = MAX (*hi, chunks[t].hi);
        }
    }

  return !cancelled;
}

/* Bounded heap of the best MAX_LISTED (index, score): higher score first, then lower index. */
typedef struct
{
  guint32 index;
  double  score;
} Listed;

typedef struct
{
  Listed  items[MAX_LISTED];
  guint   len;
} TopList;

static inline gboolean
listed_better (const Listed *a,
               const Listed *b)
{
  return a->score > b->score || (a->score == b->score && a->index < b->index);
}

static void
top_list_add (TopList *top,
              guint32  index,
              double   score)
{
  Listed item = { index, score };
  guint i;

  if (top->len < MAX_LISTED)
    {
      /* sift up: the root is the worst */
      i = top->len++;
      while (i > 0 && listed_better (&top->items[(i - 1) / 2], &item))
        {
          top->items[i] = top->items[(i - 1) / 2];
          i = (i - 1) / 2;
        }
      top->items[i] = item;
      return;
    }

  if (!listed_better (&item, &top->items[0]))
    return;

  i = 0;
  for (;;)
    {
      guint l = 2 * i + 1, r = l + 1, worst = i;
      const Listed *w = &item;

      if (l < top->len && listed_better (w, &top->items[l]))
        worst = l, w = &top->items[l];
      if (r < top->len && listed_better (w, &top->items[r]))
        worst = r;
      if (worst == i)
        break;
      top->items[i] = top->items[worst];
      i = worst;
    }
  top->items[i] = item;
}

static int
listed_compare (gconstpointer a,
                gconstpointer b)
{
  return listed_better (a, b) ? -1 : listed_better (b, a) ? 1 : 0;
}

static gboolean
qualified (QualifyStatus status)
{
  return status == QUALIFY_STATUS_MQL || status == QUALIFY_STATUS_SQL;
}

static inline guint
band_of (double engagement)
{
  guint band = 0;

  while (band < QUALIFY_WHATIF_BANDS - 1 && engagement >= qualify_whatif_band_edges[band])
    band++;
  return band;
}

typedef struct
{
  QualifyWhatIf *self;
  const QualifyWhatIfResult *r;
  const guint8  *active_row;     /* active grade index → result row */
  guint          begin;
  guint          end;
  guint64        histogram_active[QUALIFY_WHATIF_BINS];
  guint64        histogram_draft[QUALIFY_WHATIF_BINS];
  guint64        matrix[QUALIFY_WHATIF_GRADES][QUALIFY_WHATIF_BANDS];
  guint64        matrix_active[QUALIFY_WHATIF_GRADES][QUALIFY_WHATIF_BANDS];
  guint64        n_newly;
  guint64        n_dropped;
  TopList        newly;
  TopList        dropped;
} CompareChunk;

static inline guint
bin_of (const QualifyWhatIfResult *r,
        double                     score)
{
  double b = floor ((score - r->bin_min) / r->bin_width);

  return (guint) CLAMP (b, 0, QUALIFY_WHATIF_BINS - 1);
}

static gpointer
compare_chunk (gpointer data)
{
  CompareChunk *c = data;
  QualifyWhatIf *self = c->self;
  const QualifyWhatIfResult *r = c->r;

  for (guint i = c->begin; i < c->end; i++)
    {
      double score = self->d_fit[i] + self->d_engagement[i];
      QualifyStatus a = self->a_status[i], d = self->d_status[i];
      guint row = MIN (self->d_grade[i], r->n_grades - 1);

      c->histogram_active[bin_of (r, self->a_score[i])]++;
      c->histogram_draft[bin_of (r, score)]++;
      c->matrix[row][band_of (self->d_engagement[i])]++;
      c->matrix_active[c->active_row[self->a_grade[i]]][band_of (self->a_engagement[i])]++;

      if (qualified (d) && !qualified (a))
        {
          c->n_newly++;
          top_list_add (&c->newly, i, score);
        }
      else if (!qualified (d) && qualified (a))
        {
          c->n_dropped++;
          top_list_add (&c->dropped, i, self->a_score[i]);
        }
    }

  return NULL;
}

void
qualify_whatif_lead_free (QualifyWhatIfLead *lead)
{
  if (lead == NULL)
    return;
  g_free (lead->name);
  g_free (lead->email);
  g_free (lead->company);
  g_free (lead);
}

static char *
column_text (sqlite3_stmt *stmt,
             int           col)
{
  const char *text = (const char *) sqlite3_column_text (stmt, col);

  return text != NULL && *text != '\0' ? g_strdup (text) : NULL;
}

/* Merges per-chunk top lists into @ids and @leads (with names from the store). */
static void
fill_listed (QualifyWhatIf *self,
             CompareChunk  *chunks,
             guint          n_threads,
             gboolean       newly,
             GArray        *ids,
             GPtrArray     *leads,
             sqlite3_stmt  *stmt)
{
  g_autoptr(GArray) all = g_array_new (FALSE, FALSE, sizeof (Listed));

  for (guint t = 0; t < n_threads; t++)
    {
      TopList *top = newly ? &chunks[t].newly : &chunks[t].dropped;

      g_array_append_vals (all, top->items, top->len);
    }
  g_array_sort (all, listed_compare);

  for (guint k = 0; k < MIN (all->len, MAX_LISTED); k++)
    {
      guint i = g_array_index (all, Listed, k).index;
      QualifyWhatIfLead *lead = g_new0 (QualifyWhatIfLead, 1);

      lead->id = qualify_dataset_get_lead_id (self->dataset, i);
      lead->active_score = self->a_score[i];
      lead->draft_score = self->d_fit[i] + self->d_engagement[i];
      lead->active_status = self->a_status[i];
      lead->draft_status = self->d_status[i];

      if (stmt != NULL)
        {
          sqlite3_reset (stmt);
          sqlite3_bind_int64 (stmt, 1, lead->id);
          if (sqlite3_step (stmt) == SQLITE_ROW)
            {
              g_autofree char *first = column_text (stmt, 1);
              g_autofree char *last = column_text (stmt, 2);

              lead->email = column_text (stmt, 0);
              lead->company = column_text (stmt, 3);
              if (first != NULL || last != NULL)
                lead->name = g_strstrip (g_strdup_printf ("%s %s", first ? first : "", last ? last : ""));
            }
        }
      if (lead->name == NULL)
        lead->name = g_strdup (lead->email ? lead->email : "");

      g_array_append_val (ids, lead->id);
      g_ptr_array_add (leads, lead);
    }
}

/* Drops caches neither the active model nor recent drafts used. With @lock. */
static void
evict_caches (QualifyWhatIf *self)
{
  GHashTableIter iter;
  RuleCache *cache;

  if (self->generation <= KEEP_GENERATIONS)
    return;

  g_mutex_lock (&self->cache_lock);
  g_hash_table_iter_init (&iter, self->caches);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &cache))
    if (!cache->pinned && cache->last_used + KEEP_GENERATIONS < self->generation)
      g_hash_table_iter_remove (&iter);
  g_mutex_unlock (&self->cache_lock);
}

static void
pin_model_caches (QualifyWhatIf *self,
                  QualifyModel  *model)
{
  GHashTableIter iter;
  RuleCache *cache;

  g_mutex_lock (&self->cache_lock);
  g_hash_table_iter_init (&iter, self->caches);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &cache))
    cache->pinned = FALSE;
  for (guint i = 0; i < qualify_model_get_n_fit_rules (model); i++)
    {
      g_autofree char *key = field_key (qualify_model_get_fit_rule (model, i));

      if ((cache = g_hash_table_lookup (self->caches, key)))
        cache->pinned = TRUE;
    }
  for (guint i = 0; i < qualify_model_get_n_disqualify_rules (model); i++)
    {
      g_autofree char *key = field_key (qualify_model_get_disqualify_rule (model, i));

      if ((cache = g_hash_table_lookup (self->caches, key)))
        cache->pinned = TRUE;
    }
  for (guint i = 0; i < qualify_model_get_n_engagement_rules (model); i++)
    {
      g_autofree char *key = engagement_key (qualify_model_get_engagement_rule (model, i));

      if ((cache = g_hash_table_lookup (self->caches, key)))
        cache->pinned = TRUE;
    }
  g_mutex_unlock (&self->cache_lock);
}

/* Scores @model and makes it the active outcome. With @lock. */
static gboolean
set_active (QualifyWhatIf  *self,
            QualifyModel   *model,
            gint64          version,
            GCancellable   *cancellable,
            GError        **error)
{
  Plan plan;
  double lo, hi;
  gboolean ok;

  self->generation++;
  if (!plan_init (self, model, &plan, cancellable, NULL, error))
    {
      plan_clear (&plan);
      return FALSE;
    }
  ok = score_plan (self, &plan, cancellable, NULL, self->a_counts, &lo, &hi);
  plan_clear (&plan);
  if (!ok)
    return !set_cancelled (cancellable, NULL, error);

  for (guint i = 0; i < self->n; i++)
    {
      self->a_score[i] = self->d_fit[i] + self->d_engagement[i];
      self->a_engagement[i] = self->d_engagement[i];
      self->a_status[i] = self->d_status[i];
      self->a_grade[i] = self->d_grade[i];
    }

  if (model != self->active)
    {
      /* another thread may still use the previous one (get_active_model) */
      if (self->active != NULL)
        g_ptr_array_add (self->retired, g_steal_pointer (&self->active));
      self->active = g_object_ref (model);
    }
  self->active_version = version;
  pin_model_caches (self, model);
  return TRUE;
}

static QualifyWhatIfResult *
evaluate_locked (QualifyWhatIf  *self,
                 QualifyModel   *draft,
                 GCancellable   *c1,
                 GCancellable   *c2,
                 GError        **error)
{
  g_autoptr(QualifyWhatIfResult) r = NULL;
  g_autofree CompareChunk *chunks = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  guint8 active_row[256];
  Plan plan;
  gint64 t0 = g_get_monotonic_time ();
  gint64 t_plan = 0, t_range = 0, t_compare = 0;
  guint n_threads = n_threads_for (self->n);
  double lo, hi;
  gboolean ok;

  if (set_cancelled (c1, c2, error))
    return NULL;

  self->generation++;
  if (!plan_init (self, draft, &plan, c1, c2, error))
    {
      plan_clear (&plan);
      return NULL;
    }

  r = g_new0 (QualifyWhatIfResult, 1);
  r->n_leads = self->n;
  r->as_of = self->as_of;
  r->n_rules_built = plan.n_built;
  ok = score_plan (self, &plan, c1, c2, r->draft, &lo, &hi);
  r->rules = g_steal_pointer (&plan.stats);
  plan_clear (&plan);
  t_plan = g_get_monotonic_time ();
  if (!ok)
    {
      set_cancelled (c1, c2, error);
      return NULL;
    }

  memcpy (r->active, self->a_counts, sizeof r->active);
  r->mql_threshold = qualify_model_get_mql_threshold (draft);

  /* One range for both histograms, in round steps, always showing the threshold. */
  for (guint i = 0; i < self->n; i++)
    {
      lo = MIN (lo, self->a_score[i]);
      hi = MAX (hi, self->a_score[i]);
    }
  lo = MIN (lo, r->mql_threshold);
  hi = MAX (hi, r->mql_threshold);
  r->bin_width = MAX (5.0, ceil ((hi - lo) / QUALIFY_WHATIF_BINS / 5.0) * 5.0);
  r->bin_min = floor (lo / r->bin_width) * r->bin_width;
  /* floor() can leave the top score just past the last bin: widen */
  while (r->bin_min + r->bin_width * QUALIFY_WHATIF_BINS <= hi)
    {
      r->bin_width += 5.0;
      r->bin_min = floor (lo / r->bin_width) * r->bin_width;
    }

  r->n_grades = MIN (qualify_model_get_n_grades (draft), QUALIFY_WHATIF_GRADES - 1) + 1;
  for (guint g = 0; g + 1 < r->n_grades; g++)
    g_strlcpy (r->grades[g], qualify_model_get_grade (draft, g)->letter, sizeof r->grades[g]);
  g_strlcpy (r->grades[r->n_grades - 1], "F", sizeof r->grades[0]);

  /* active grade index → the draft row with the same letter, else F */
  memset (active_row, r->n_grades - 1, sizeof active_row);
  for (guint g = 0; g < MIN (qualify_model_get_n_grades (self->active), 255); g++)
    for (guint k = 0; k + 1 < r->n_grades; k++)
      if (g_str_equal (qualify_model_get_grade (self->active, g)->letter, r->grades[k]))
        active_row[g] = k;

  t_range = g_get_monotonic_time ();
  chunks = g_new0 (CompareChunk, n_threads);
  for (guint t = 0; t < n_threads; t++)
    {
      chunks[t].self = self;
      chunks[t].r = r;
      chunks[t].active_row = active_row;
      chunk_range (self->n, n_threads, t, &chunks[t].begin, &chunks[t].end);
    }
  run_chunks (compare_chunk, chunks, sizeof *chunks, n_threads);

  for (guint t = 0; t < n_threads; t++)
    {
      CompareChunk *c = &chunks[t];

      for (guint b = 0; b < QUALIFY_WHATIF_BINS; b++)
        {
          r->histogram_active[b] += c->histogram_active[b];
          r->histogram_draft[b] += c->histogram_draft[b];
        }
      for (guint g = 0; g < QUALIFY_WHATIF_GRADES; g++)
        for (guint b = 0; b < QUALIFY_WHATIF_BANDS; b++)
          {
            r->matrix[g][b] += c->matrix[g][b];
            r->matrix_active[g][b] += c->matrix_active[g][b];
          }
      r->n_newly_qualified += c->n_newly;
      r->n_dropped += c->n_dropped;
    }

  t_compare = g_get_monotonic_time ();
  r->newly_qualified = g_array_new (FALSE, FALSE, sizeof (gint64));
  r->dropped = g_array_new (FALSE, FALSE, sizeof (gint64));
  r->newly_qualified_leads = g_ptr_array_new_with_free_func ((GDestroyNotify) qualify_whatif_lead_free);
  r->dropped_leads = g_ptr_array_new_with_free_func ((GDestroyNotify) qualify_whatif_lead_free);
  stmt = _qualify_store_prepare (self->store,
                                 "SELECT email, first_name, last_name, company FROM leads WHERE id = ?",
                                 NULL);
  fill_listed (self, chunks, n_threads, TRUE, r->newly_qualified, r->newly_qualified_leads, stmt);
  fill_listed (self, chunks, n_threads, FALSE, r->dropped, r->dropped_leads, stmt);

  evict_caches (self);
  r->elapsed_ms = (g_get_monotonic_time () - t0) / 1000.0;
  g_debug ("evaluated in %.1f ms: caches + score %.1f, range %.1f, compare %.1f, listed %.1f (%u caches built)",
           r->elapsed_ms, (t_plan - t0) / 1000.0, (t_range - t_plan) / 1000.0,
           (t_compare - t_range) / 1000.0, (g_get_monotonic_time () - t_compare) / 1000.0, r->n_rules_built);
  return g_steal_pointer (&r);
}

/* Construction -------------------------------------------------------------- */

QualifyWhatIf *
qualify_whatif_new (QualifyStore  *store,
                    gint64         as_of,
                    GCancellable  *cancellable,
                    GError       **error)
{
  g_autoptr(QualifyWhatIf) self = NULL;
  g_autoptr(QualifyModel) active = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *json = NULL;
  gint64 version = 0;
  gint64 t0, t1, t2;
  gboolean ok;

  g_return_val_if_fail (QUALIFY_IS_STORE (store), NULL);

  self = g_object_new (QUALIFY_TYPE_WHATIF, NULL);
  self->store = g_object_ref (store);

  if (as_of <= 0)
    {
      QualifyStoreStats stats;

      if (!qualify_store_get_stats (store, &stats, error))
        return NULL;
      as_of = stats.last_as_of > 0 ? stats.last_as_of : g_get_real_time () / G_USEC_PER_SEC;
    }
  self->as_of = as_of;

  if ((json = qualify_store_dup_active_model_json (store, &version, &local_error)) != NULL)
    {
      if (!(active = qualify_model_new_from_data (json, -1, error)))
        return NULL;
    }
  else if (g_error_matches (local_error, QUALIFY_STORE_ERROR, QUALIFY_STORE_ERROR_NOT_FOUND))
    {
      active = qualify_model_new_default ();
      version = 0;
    }
  else
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  t0 = g_get_monotonic_time ();
  self->data_version = -1;
  if (!(self->dataset = qualify_dataset_load (store, cancellable, error)))
    return NULL;
  t1 = g_get_monotonic_time ();

  self->n = qualify_dataset_get_n_leads (self->dataset);
  self->n_words = (self->n + 63) / 64;
  self->a_score = g_new0 (double, MAX (self->n, 1));
  self->a_engagement = g_new0 (double, MAX (self->n, 1));
  self->a_status = g_new0 (guint8, MAX (self->n, 1));
  self->a_grade = g_new0 (guint8, MAX (self->n, 1));
  self->d_fit = g_new0 (double, MAX (self->n, 1));
  self->d_engagement = g_new0 (double, MAX (self->n, 1));
  self->d_status = g_new0 (guint8, MAX (self->n, 1));
  self->d_grade = g_new0 (guint8, MAX (self->n, 1));
  build_type_bits (self);
  t2 = g_get_monotonic_time ();

  g_mutex_lock (&self->lock);
  ok = set_active (self, active, version, cancellable, error);
  g_mutex_unlock (&self->lock);
  g_debug ("loaded in %.0f ms: dataset %.0f, event types %.0f, active model %.0f",
           (g_get_monotonic_time () - t0) / 1000.0, (t1 - t0) / 1000.0, (t2 - t1) / 1000.0,
           (g_get_monotonic_time () - t2) / 1000.0);

  return ok ? g_steal_pointer (&self) : NULL;
}

typedef struct
{
  char   *path;
  gint64  as_of;
} NewData;

static void
new_data_free (NewData *data)
{
  g_free (data->path);
  g_free (data);
}

static void
new_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  NewData *data = task_data;
  GError *error = NULL;
  QualifyWhatIf *self = qualify_whatif_new_for_path (data->path, data->as_of, cancellable, &error);

  if (self == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, self, g_object_unref);
}

QualifyWhatIf *
qualify_whatif_new_for_path (const char    *path,
                             gint64         as_of,
                             GCancellable  *cancellable,
                             GError       **error)
{
  g_autoptr(QualifyStore) store = NULL;
  QualifyWhatIf *self;
  gint64 data_version;

  g_return_val_if_fail (path != NULL, NULL);

  if (!(store = qualify_store_open (path, error)))
    return NULL;
  /* nobody else writes on this connection: read before anything is loaded */
  data_version = _qualify_scorer_data_version (store);
  if (!(self = qualify_whatif_new (store, as_of, cancellable, error)))
    return NULL;
  self->data_version = data_version;
  return self;
}

void
qualify_whatif_new_async (const char          *path,
                          gint64               as_of,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  NewData *data;

  g_return_if_fail (path != NULL);

  data = g_new0 (NewData, 1);
  data->path = g_strdup (path);
  data->as_of = as_of;
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, qualify_whatif_new_async);
  g_task_set_task_data (task, data, (GDestroyNotify) new_data_free);
  g_task_run_in_thread (task, new_thread);
}

QualifyWhatIf *
qualify_whatif_new_finish (GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Accessors ----------------------------------------------------------------- */

QualifyModel *
qualify_whatif_get_active_model (QualifyWhatIf *self)
{
  g_return_val_if_fail (QUALIFY_IS_WHATIF (self), NULL);
  return self->active;
}

gint64
qualify_whatif_get_active_version (QualifyWhatIf *self)
{
  g_return_val_if_fail (QUALIFY_IS_WHATIF (self), 0);
  return self->active_version;
}

gint64
qualify_whatif_get_as_of (QualifyWhatIf *self)
{
  g_return_val_if_fail (QUALIFY_IS_WHATIF (self), 0);
  return self->as_of;
}

QualifyDataset *
qualify_whatif_get_dataset (QualifyWhatIf *self)
{
  g_return_val_if_fail (QUALIFY_IS_WHATIF (self), NULL);
  return self->dataset;
}

guint
qualify_whatif_get_n_leads (QualifyWhatIf *self)
{
  g_return_val_if_fail (QUALIFY_IS_WHATIF (self), 0);
  return self->n;
}

/* Evaluation API ------------------------------------------------------------ */

QualifyWhatIfResult *
qualify_whatif_evaluate_cancellable (QualifyWhatIf  *self,
                                     QualifyModel   *draft,
                                     GCancellable   *cancellable,
                                     GError        **error)
{
  QualifyWhatIfResult *r;

  g_return_val_if_fail (QUALIFY_IS_WHATIF (self), NULL);
  g_return_val_if_fail (QUALIFY_IS_MODEL (draft), NULL);

  g_mutex_lock (&self->lock);
  r = evaluate_locked (self, draft, cancellable, NULL, error);
  g_mutex_unlock (&self->lock);

  return r;
}

QualifyWhatIfResult *
qualify_whatif_evaluate (QualifyWhatIf  *self,
                         QualifyModel   *draft,
                         GError        **error)
{
  return qualify_whatif_evaluate_cancellable (self, draft, NULL, error);
}

typedef struct
{
  QualifyModel *draft;
  GCancellable *superseded;
} EvaluateData;

static void
evaluate_data_free (EvaluateData *data)
{
  g_clear_object (&data->draft);
  g_clear_object (&data->superseded);
  g_free (data);
}

static void
evaluate_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  QualifyWhatIf *self = source_object;
  EvaluateData *data = task_data;
  g_autoptr(GError) error = NULL;
  QualifyWhatIfResult *r;

  g_mutex_lock (&self->lock);
  r = evaluate_locked (self, data->draft, cancellable, data->superseded, &error);
  g_mutex_unlock (&self->lock);

  g_mutex_lock (&self->async_lock);
  if (self->pending == data->superseded)
    g_clear_object (&self->pending);
  g_mutex_unlock (&self->async_lock);

  if (r == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, r, (GDestroyNotify) qualify_whatif_result_free);
}

void
qualify_whatif_evaluate_async (QualifyWhatIf       *self,
                               QualifyModel        *draft,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  EvaluateData *data;

  g_return_if_fail (QUALIFY_IS_WHATIF (self));
  g_return_if_fail (QUALIFY_IS_MODEL (draft));

  data = g_new0 (EvaluateData, 1);
  data->draft = g_object_ref (draft);
  data->superseded = g_cancellable_new ();

  /* the newest request supersedes the previous one, queued or running */
  g_mutex_lock (&self->async_lock);
  if (self->pending != NULL)
    g_cancellable_cancel (self->pending);
  g_set_object (&self->pending, data->superseded);
  g_mutex_unlock (&self->async_lock);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, qualify_whatif_evaluate_async);
  g_task_set_task_data (task, data, (GDestroyNotify) evaluate_data_free);
  g_task_run_in_thread (task, evaluate_thread);
}

QualifyWhatIfResult *
qualify_whatif_evaluate_finish (QualifyWhatIf  *self,
                                GAsyncResult   *result,
                                GError        **error)
{
  g_return_val_if_fail (QUALIFY_IS_WHATIF (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

gboolean
qualify_whatif_is_cached (QualifyWhatIf *self,
                          QualifyModel  *draft)
{
  gboolean cached = TRUE;

  g_return_val_if_fail (QUALIFY_IS_WHATIF (self), FALSE);
  g_return_val_if_fail (QUALIFY_IS_MODEL (draft), FALSE);

  g_mutex_lock (&self->cache_lock);
  for (guint i = 0; cached && i < qualify_model_get_n_fit_rules (draft); i++)
    {
      g_autofree char *key = field_key (qualify_model_get_fit_rule (draft, i));
      cached = g_hash_table_contains (self->caches, key);
    }
  for (guint i = 0; cached && i < qualify_model_get_n_disqualify_rules (draft); i++)
    {
      g_autofree char *key = field_key (qualify_model_get_disqualify_rule (draft, i));
      cached = g_hash_table_contains (self->caches, key);
    }
  for (guint i = 0; cached && i < qualify_model_get_n_engagement_rules (draft); i++)
    {
      g_autofree char *key = engagement_key (qualify_model_get_engagement_rule (draft, i));
      cached = g_hash_table_contains (self->caches, key);
    }
  g_mutex_unlock (&self->cache_lock);

  return cached;
}

void
qualify_whatif_result_free (QualifyWhatIfResult *result)
{
  if (result == NULL)
    return;
  g_clear_pointer (&result->newly_qualified, g_array_unref);
  g_clear_pointer (&result->dropped, g_array_unref);
  g_clear_pointer (&result->newly_qualified_leads, g_ptr_array_unref);
  g_clear_pointer (&result->dropped_leads, g_ptr_array_unref);
  g_clear_pointer (&result->rules, g_array_unref);
  g_free (result);
}

const char *
qualify_whatif_band_label (guint band)
{
  switch (band)
    {
    case 0:
      return _("< 0");
    case 1:
      return _("0–10");
    case 2:
      return _("10–25");
    case 3:
      return _("25–50");
    case 4:
      return _("≥ 50");
    default:
      g_return_val_if_reached ("");
    }
}

/* Field kinds and operators -------------------------------------------------- */

QualifyValueKind
qualify_field_kind_for (const char *field)
{
  QualifyField f;

  g_return_val_if_fail (field != NULL, QUALIFY_VALUE_KIND_TEXT);

  if (!qualify_field_from_name (field, &f))
    return QUALIFY_VALUE_KIND_TEXT;
  if (f == QUALIFY_FIELD_EMAIL || f == QUALIFY_FIELD_DOMAIN)
    return QUALIFY_VALUE_KIND_EMAIL;

  switch (qualify_field_get_kind (f))
    {
    case QUALIFY_FIELD_KIND_NUMBER:
      return QUALIFY_VALUE_KIND_NUMBER;
    case QUALIFY_FIELD_KIND_LIST:
      return QUALIFY_VALUE_KIND_LIST;
    case QUALIFY_FIELD_KIND_TIMESTAMP:
      return QUALIFY_VALUE_KIND_TIMESTAMP;
    case QUALIFY_FIELD_KIND_TEXT:
    default:
      return QUALIFY_VALUE_KIND_TEXT;
    }
}

gboolean
qualify_op_valid_for_kind (QualifyOp        op,
                           QualifyValueKind kind)
{
  if (op == QUALIFY_OP_IS_SET || op == QUALIFY_OP_IS_EMPTY)
    return TRUE;

  switch (kind)
    {
    case QUALIFY_VALUE_KIND_NUMBER:
      return op == QUALIFY_OP_EQUALS || op == QUALIFY_OP_NOT_EQUALS || op == QUALIFY_OP_GTE ||
             op == QUALIFY_OP_LTE || op == QUALIFY_OP_BETWEEN;
    case QUALIFY_VALUE_KIND_LIST:
      return op == QUALIFY_OP_HAS_ANY || op == QUALIFY_OP_CONTAINS || op == QUALIFY_OP_NOT_CONTAINS;
    case QUALIFY_VALUE_KIND_TIMESTAMP:
      /* stored as "YYYY-MM-DDTHH:MM:SSZ" text */
      return op == QUALIFY_OP_STARTS_WITH || op == QUALIFY_OP_CONTAINS || op == QUALIFY_OP_NOT_CONTAINS;
    case QUALIFY_VALUE_KIND_EMAIL:
      if (op == QUALIFY_OP_DOMAIN_IN)
        return TRUE;
      G_GNUC_FALLTHROUGH;
    case QUALIFY_VALUE_KIND_TEXT:
    default:
      return op == QUALIFY_OP_EQUALS || op == QUALIFY_OP_NOT_EQUALS || op == QUALIFY_OP_IN ||
             op == QUALIFY_OP_NOT_IN || op == QUALIFY_OP_CONTAINS || op == QUALIFY_OP_NOT_CONTAINS ||
             op == QUALIFY_OP_STARTS_WITH || op == QUALIFY_OP_ENDS_WITH;
    }
}

QualifyOperand
qualify_op_get_operand (QualifyOp        op,
                        QualifyValueKind kind)
{
  switch (op)
    {
    case QUALIFY_OP_IS_SET:
    case QUALIFY_OP_IS_EMPTY:
      return QUALIFY_OPERAND_NONE;
    case QUALIFY_OP_IN:
    case QUALIFY_OP_NOT_IN:
    case QUALIFY_OP_DOMAIN_IN:
    case QUALIFY_OP_HAS_ANY:
      return QUALIFY_OPERAND_LIST;
    case QUALIFY_OP_GTE:
    case QUALIFY_OP_LTE:
      return QUALIFY_OPERAND_NUMBER;
    case QUALIFY_OP_BETWEEN:
      return QUALIFY_OPERAND_RANGE;
    case QUALIFY_OP_EQUALS:
    case QUALIFY_OP_NOT_EQUALS:
      return kind == QUALIFY_VALUE_KIND_NUMBER ? QUALIFY_OPERAND_NUMBER : QUALIFY_OPERAND_TEXT;
    case QUALIFY_OP_CONTAINS:
    case QUALIFY_OP_NOT_CONTAINS:
    case QUALIFY_OP_STARTS_WITH:
    case QUALIFY_OP_ENDS_WITH:
    case QUALIFY_N_OPS:
    default:
      return QUALIFY_OPERAND_TEXT;
    }
}

/* Suggestions --------------------------------------------------------------- */

void
qualify_value_count_free (QualifyValueCount *count)
{
  if (count == NULL)
    return;
  g_free (count->value);
  g_free (count);
}

static int
value_count_compare (gconstpointer a,
                     gconstpointer b)
{
  const QualifyValueCount *x = *(QualifyValueCount **) a;
  const QualifyValueCount *y = *(QualifyValueCount **) b;

  if (x->count != y->count)
    return x->count > y->count ? -1 : 1;
  return g_strcmp0 (x->value, y->value);
}

GStrv
qualify_whatif_list_fields (QualifyWhatIf *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) custom = NULL;

  g_return_val_if_fail (QUALIFY_IS_WHATIF (self), NULL);

  for (QualifyField f = 0; f < QUALIFY_N_FIELDS; f++)
    g_strv_builder_add (builder, qualify_field_get_name (f));

  g_mutex_lock (&self->lock);
  custom = qualify_store_list_custom_fields (self->store, NULL);
  g_mutex_unlock (&self->lock);
  for (guint i = 0; custom != NULL && custom[i] != NULL; i++)
    g_strv_builder_add (builder, custom[i]);

  return g_strv_builder_end (builder);
}

/* NUMBER when every value parses as a number, LIST when any has a ';'. */
typedef struct
{
  guint    n;
  gboolean all_numbers;
  gboolean any_list;
} KindVote;

static void
kind_vote (KindVote   *vote,
           const char *value)
{
  double number;

  vote->n++;
  vote->all_numbers &= qualify_parse_number (value, &number);
  vote->any_list |= strchr (value, ';') != NULL;
}

static QualifyValueKind
kind_vote_result (const KindVote *vote)
{
  if (vote->n == 0)
    return QUALIFY_VALUE_KIND_TEXT;
  return vote->all_numbers ? QUALIFY_VALUE_KIND_NUMBER
                           : vote->any_list ? QUALIFY_VALUE_KIND_LIST : QUALIFY_VALUE_KIND_TEXT;
}

QualifyValueKind
qualify_field_kind_guess (QualifyStore *store,
                          const char   *field,
                          guint         sample)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GString) path = g_string_new ("$.\"");
  KindVote vote = { 0, TRUE, FALSE };
  QualifyField f;

  g_return_val_if_fail (QUALIFY_IS_STORE (store), QUALIFY_VALUE_KIND_TEXT);
  g_return_val_if_fail (field != NULL, QUALIFY_VALUE_KIND_TEXT);

  if (qualify_field_from_name (field, &f))
    return qualify_field_kind_for (field);

  /* a JSON path with the key quoted: "$.\"Company Type\"" */
  for (const char *p = field; *p; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_c (path, '\\');
      g_string_append_c (path, *p);
    }
  g_string_append_c (path, '"');
  if (!(stmt = _qualify_store_prepare (store,
                                       "SELECT v FROM (SELECT json_extract (custom, ?1) AS v FROM leads"
                                       " WHERE custom IS NOT NULL) WHERE v IS NOT NULL AND v <> '' LIMIT ?2",
                                       NULL)))
    return QUALIFY_VALUE_KIND_TEXT;
  sqlite3_bind_text (stmt, 1, path->str, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, sample > 0 ? sample : 1000);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    kind_vote (&vote, (const char *) sqlite3_column_text (stmt, 0));

  return kind_vote_result (&vote);
}

QualifyValueKind
qualify_whatif_get_field_kind (QualifyWhatIf *self,
                               const char    *field)
{
  const QualifyColumn *column;
  QualifyField f;
  KindVote vote = { 0, TRUE, FALSE };

  g_return_val_if_fail (QUALIFY_IS_WHATIF (self), QUALIFY_VALUE_KIND_TEXT);
  g_return_val_if_fail (field != NULL, QUALIFY_VALUE_KIND_TEXT);

  if (qualify_field_from_name (field, &f))
    return qualify_field_kind_for (field);

  g_mutex_lock (&self->lock);
  column = _qualify_dataset_get_column (self->dataset, field, NULL);
  g_mutex_unlock (&self->lock);
  if (column == NULL || column->normal->len <= 1)
    return QUALIFY_VALUE_KIND_TEXT;

  for (guint id = 1; id < column->normal->len; id++)
    kind_vote (&vote, g_ptr_array_index (column->normal, id));

  return kind_vote_result (&vote);
}

GPtrArray *
qualify_whatif_dup_field_values (QualifyWhatIf  *self,
                                 const char     *field,
                                 const char     *prefix,
                                 guint           limit,
                                 GError        **error)
{
  const QualifyColumn *column;
  g_autofree guint64 *counts = NULL;
  g_autofree char *wanted = NULL;
  g_autoptr(GHashTable) items = NULL;
  GPtrArray *values;
  gboolean list;

  g_return_val_if_fail (QUALIFY_IS_WHATIF (self), NULL);
  g_return_val_if_fail (field != NULL, NULL);

  /* suggesting whole emails is useless (and a million of them): domains */
  if (g_str_equal (field, "email"))
    field = QUALIFY_DATASET_EMAIL_DOMAIN;
  list = qualify_field_kind_for (field) == QUALIFY_VALUE_KIND_LIST;

  g_mutex_lock (&self->lock);
  column = _qualify_dataset_get_column (self->dataset, field, error);
  g_mutex_unlock (&self->lock);
  if (column == NULL)
    return NULL;

  counts = g_new0 (guint64, MAX (column->normal->len, 1));
  for (guint i = 0; i < self->n; i++)
    counts[column->ids[i]]++;

  wanted = prefix != NULL && *prefix != '\0' ? qualify_model_normalize (prefix) : NULL;
  values = g_ptr_array_new_with_free_func ((GDestroyNotify) qualify_value_count_free);
  items = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint id = 1; id < column->normal->len; id++)
    {
      const char *raw = g_ptr_array_index (column->raw, id);

      if (counts[id] == 0)
        continue;

      if (list)
        {
          g_auto(GStrv) parts = g_strsplit_set (raw, ";,|", -1);

          for (guint k = 0; parts[k] != NULL; k++)
            {
              g_autofree char *normal = qualify_model_normalize (parts[k]);
              QualifyValueCount *vc;

              if (normal == NULL || *normal == '\0' || (wanted && !g_str_has_prefix (normal, wanted)))
                continue;
              if ((vc = g_hash_table_lookup (items, normal)) == NULL)
                {
                  vc = g_new0 (QualifyValueCount, 1);
                  vc->value = g_strdup (g_strstrip (parts[k]));
                  g_ptr_array_add (values, vc);
                  g_hash_table_insert (items, g_steal_pointer (&normal), vc);
                }
              vc->count += counts[id];
            }
        }
      else
        {
          const char *normal = g_ptr_array_index (column->normal, id);
          QualifyValueCount *vc;

          if (wanted && !g_str_has_prefix (normal, wanted))
            continue;
          /* values differing only in case/spaces count as one */
          if ((vc = g_hash_table_lookup (items, normal)) == NULL)
            {
              vc = g_new0 (QualifyValueCount, 1);
              vc->value = g_strdup (raw);
              g_ptr_array_add (values, vc);
              g_hash_table_insert (items, (gpointer) normal, vc);
            }
          vc->count += counts[id];
        }
    }

  if (list)
    {
      GHashTableIter iter;
      gpointer key;

      g_hash_table_iter_init (&iter, items);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        g_free (key);
    }

  g_ptr_array_sort (values, value_count_compare);
  if (limit > 0 && values->len > limit)
    g_ptr_array_set_size (values, limit);

  return values;
}

GPtrArray *
qualify_whatif_list_event_types (QualifyWhatIf *self)
{
  const QualifyEventIndex *ev;
  GPtrArray *values;

  g_return_val_if_fail (QUALIFY_IS_WHATIF (self), NULL);

  ev = _qualify_dataset_get_events (self->dataset);
  values = g_ptr_array_new_with_free_func ((GDestroyNotify) qualify_value_count_free);
  for (guint t = 1; t < self->n_types; t++)
    {
      QualifyValueCount *vc;

      if (g_ptr_array_index (ev->types, t) == NULL || self->type_events_all[t] == 0)
        continue;
      vc = g_new0 (QualifyValueCount, 1);
      vc->value = g_strdup (g_ptr_array_index (ev->types, t));
      vc->count = self->type_events_all[t];
      g_ptr_array_add (values, vc);
    }
  g_ptr_array_sort (values, value_count_compare);

  return values;
}

static guint8 *
type_match_for (QualifyWhatIf *self,
                const char    *event)
{
  const QualifyEventIndex *ev = _qualify_dataset_get_events (self->dataset);
  guint8 *match = g_new0 (guint8, MAX (ev->types->len, 1));

  for (guint t = 1; t < ev->types->len; t++)
    {
      const char *name = g_ptr_array_index (ev->types, t);

      match[t] = event == NULL || (name != NULL && g_strcmp0 (name, event) == 0);
    }

  return match;
}

static guint8 *
detail_match_for (QualifyWhatIf *self,
                  const char    *glob)
{
  const QualifyEventIndex *ev = _qualify_dataset_get_events (self->dataset);
  guint8 *match = g_new0 (guint8, MAX (ev->details_normal->len, 1));

  for (guint d = 0; d < ev->details_normal->len; d++)
    match[d] = detail_matches (glob, g_ptr_array_index (ev->details_normal, d));

  return match;
}

void
qualify_whatif_count_pattern (QualifyWhatIf *self,
                              const char    *event_type,
                              const char    *glob,
                              guint64       *events,
                              guint64       *leads)
{
  const QualifyEventIndex *ev;
  g_autofree char *type = NULL;
  g_autofree char *pattern = NULL;
  g_autofree guint8 *type_match = NULL;
  g_autofree guint8 *detail_match = NULL;
  guint64 n_events = 0, n_leads = 0;

  g_return_if_fail (QUALIFY_IS_WHATIF (self));

  ev = _qualify_dataset_get_events (self->dataset);
  type = event_type && *event_type ? qualify_model_normalize (event_type) : NULL;
  pattern = glob && *glob ? qualify_model_normalize (glob) : NULL;
  type_match = type_match_for (self, type);
  detail_match = detail_match_for (self, pattern);

  for (guint i = 0; i < self->n; i++)
    {
      gboolean any = FALSE;

      for (guint64 e = ev->offsets[i]; e < ev->offsets[i + 1]; e++)
        if (type_match[ev->type_ids[e]] && ev->times[e] <= self->as_of && detail_match[ev->detail_ids[e]])
          {
            n_events++;
            any = TRUE;
          }
      n_leads += any;
    }

  if (events != NULL)
    *events = n_events;
  if (leads != NULL)
    *leads = n_leads;
}

/* Apply --------------------------------------------------------------------- */

typedef struct
{
  QualifyModel        *model;
  char                *note;
  gint64               version;
  QualifyScoreSummary  summary;
} ApplyData;

static void
apply_data_free (ApplyData *data)
{
  g_clear_object (&data->model);
  g_free (data->note);
  g_free (data);
}

static void
apply_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  QualifyWhatIf *self = source_object;
  ApplyData *data = task_data;
  g_autoptr(GError) error = NULL;

  g_mutex_lock (&self->lock);
  data->version = _qualify_model_apply_with_dataset (self->store, data->model, data->note, self->as_of,
                                                     self->data_version >= 0 ? self->dataset : NULL,
                                                     self->data_version, cancellable, &data->summary, &error);
  /* the preview now compares against what was applied */
  if (data->version > 0 && !set_active (self, data->model, data->version, NULL, NULL))
    g_warning ("Could not rescore the what-if after applying version %lld", (long long) data->version);
  g_mutex_unlock (&self->lock);

  if (data->version <= 0)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

void
qualify_whatif_apply_async (QualifyWhatIf       *self,
                            QualifyModel        *model,
                            const char          *note,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ApplyData *data;

  g_return_if_fail (QUALIFY_IS_WHATIF (self));
  g_return_if_fail (QUALIFY_IS_MODEL (model));

  data = g_new0 (ApplyData, 1);
  data->model = g_object_ref (model);
  data->note = g_strdup (note);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, qualify_whatif_apply_async);
  g_task_set_task_data (task, data, (GDestroyNotify) apply_data_free);
  g_task_run_in_thread (task, apply_thread);
}

gint64
qualify_whatif_apply_finish (QualifyWhatIf        *self,
                             GAsyncResult         *result,
                             QualifyScoreSummary  *summary,
                             GError              **error)
{
  ApplyData *data;

  g_return_val_if_fail (QUALIFY_IS_WHATIF (self), 0);
  g_return_val_if_fail (g_task_is_valid (result, self), 0);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return 0;
  data = g_task_get_task_data (G_TASK (result));
  if (summary != NULL)
    *summary = data->summary;
  return data->version;
}
