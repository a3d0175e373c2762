// Short lines that are page furniture whatever element holds them: a date or time alone (with its label), a
// reading time, a photo credit or caption label, a byline, a subscribe/ad/comment/follow call, a "related" heading. Each returns the rule name it is counted under.
// The words are those of the languages html-eval and FineWeb-2's largest sets use most. Word edges are Unicode
// letters, not \b (ASCII only even with /u: "zobacz również\b" never matched).

const MONTHS =
  'jan|january|januar|janvier|enero|stycznia|gennaio|feb|february|februar|février|fevrier|febrero|lutego|febbraio|mar|march|märz|maerz|mars|marzo|marca|apr|april|avril|abril|kwietnia|aprile|may|mai|mayo|maja|maggio|jun|june|juni|juin|junio|czerwca|giugno|jul|july|juli|juillet|julio|lipca|luglio|aug|august|août|aout|agosto|sierpnia|sep|sept|september|septembre|septiembre|września|settembre|oct|october|oktober|octobre|octubre|października|ottobre|nov|november|novembre|noviembre|listopada|dec|december|dezember|décembre|decembre|diciembre|grudnia|dicembre';
const WEEKDAYS =
  'mon|monday|montag|lundi|lunes|poniedziałek|tue|tuesday|dienstag|mardi|martes|wtorek|wed|wednesday|mittwoch|mercredi|miércoles|środa|thu|thursday|donnerstag|jeudi|jueves|czwartek|fri|friday|freitag|vendredi|viernes|piątek|sat|saturday|samstag|sonnabend|samedi|sábado|sobota|sun|sunday|sonntag|dimanche|domingo|niedziela';
const DATE = new RegExp(`(?<![\\p{L}\\p{N}_])(\\d{1,2}[./-]\\s?\\d{1,2}[./-]\\s?\\d{2,4}|\\d{4}-\\d{2}-\\d{2}(t[\\d:.]+z?)?|\\d{1,2}:\\d{2}(:\\d{2})?\\s*(uhr|h|am|pm)?|\\d{1,2}\\.?\\s+(${MONTHS})\\.?(\\s+\\d{4})?|(${MONTHS})\\.?\\s+\\d{1,2}(st|nd|rd|th)?,?(\\s+\\d{4})?|(${MONTHS})\\s+\\d{4})(?![\\p{L}\\p{N}_])`, 'giu');
const FILLER = new RegExp(`(?<![\\p{L}\\p{N}_])(${WEEKDAYS}|stand|am|um|on|at|le|el|de|del|w|dnia|updated|update|aktualisiert|published|posted|veröffentlicht|erstellt|geändert|letzte änderung|last modified|modified|publié|publicado|mis à jour|actualizado|zuletzt|datum|date|uhr|min|\\d{4})(?![\\p{L}\\p{N}_])\\.?:?`, 'giu');
const READ_TIME = /^(\d+\s*(min|mins|minute|minutes|minuten|minutos)\.?\s*(read|lesezeit|lesedauer|de lecture|de lectura|czytania)?|(lesezeit|lesedauer|reading time|read time|temps de lecture|tiempo de lectura)\s*:?\s*\d+\s*\w*)$/iu;
const CREDIT = /^(fotos?|bild(er)?|photos?|image|images|picture|crédits? photos?|cr[ée]dit(s)?|titelbild|beitragsbild|headerbild|symbolbild|foto ?credit|quelle|source|copyright|©|\(c\)|zdjęcie|fot\.|abbildung|abb\.|figure|fig\.|grafik|illustration|ilustracja|rys\.)(\s*\d+)?\s*[:/|]/iu;
const BYLINE = /^(by|von|par|por|di|autor|author|written by|text|texte|geschrieben von)\s*:?\s+\p{Lu}[\p{L}.'’-]*(\s+\p{Lu}[\p{L}.'’-]*){0,3}$/u;

/** Headings and lines that introduce other stories (the words of the languages html-eval and FineWeb-2 use most). */
const RELATED = /^\W*(lesen sie (auch|mehr|hier)|weitere (beiträge|artikel|nachrichten|themen|meldungen|pressemitteilungen|informationen zum)|ähnliche (beiträge|artikel|themen)|mehr (zum thema|themen|kolumnen|artikel|dazu|aus|von|news)|das könnte (sie|dich) auch interessieren|schon gelesen|weiterlesen|auch interessant|empfohlene (beiträge|artikel)|beliebte (beiträge|artikel)|neueste (beiträge|artikel)|aktuelle (beiträge|artikel|nachrichten)|related( stories| articles| posts| coverage| content| news)?|you (may|might) also like|more (stories|from|on this|news|articles)|read (more|next|also)|see also|recommended( for you| stories)?|zobacz (również|też|także)|czytaj (też|także|więcej)|polecane|veja também|leia também|lire aussi|à lire aussi|voir aussi|sur le même sujet|plus d'articles|también te puede interesar|te puede interesar|lee también|noticias relacionadas|artículos relacionados|vedi anche|leggi anche)(?![\p{L}\p{N}_])/iu;
/** A table of contents' title, or a tags/categories label, alone on its line. */
const TOC = /^\W*(table of contents|contents|inhaltsverzeichnis|inhalt|sommaire|table des matières|índice|contenido|spis treści|indice|sumário)\W*$/iu;
const TAGS = /^\W*(tags|tagged( with)?|schlagwörter|schlagworte|stichwörter|stichworte|kategorien|categories|étiquettes|mots-clés|etiquetas|tagi|tematy|kategorie|argomenti)\s*:?\s*$/iu;
const SUBSCRIBE = /(?<![\p{L}\p{N}_])(newsletter|subscribe|subscribers?|subscription|abonnieren|abonniere|abonnement|abonnez|suscríbete|suscribirse|zapisz się)(?![\p{L}\p{N}_])/iu;

const ADS = /^\W*(anzeige|werbung|advertisement|advertising|sponsored|publicidad|publicité|reklama|pubblicità)(?![\p{L}\p{N}_])/iu;
const COMMENTS = /^\W*(\d+\s+)?(kommentare?|comments?|commentaires?|comentarios?|komentarze?|antworten|replies)\s*\(?\d*\)?\W*$|(?<![\p{L}\p{N}_])(kommentieren|kommentar (schreiben|verfassen)|kommentare zu schreiben|schreibe einen kommentar|hinterlasse einen kommentar|kommentare geschlossen|leave a (reply|comment)|post a comment|comments are closed|laisser un commentaire|deja un comentario|dodaj komentarz)(?![\p{L}\p{N}_])/iu;
const FOLLOW = /(?<![\p{L}\p{N}_])(follow (us|@?\w+) on|folgen sie uns|folge uns|síguenos|suivez-nous|canal de (youtube|telegram|whatsapp)|download (the|our) app)(?![\p{L}\p{N}_])/iu;

/** The four above in one pass (a block is scanned once, not four times): which group matched names the rule. */
const CALLS = new RegExp(`(?<subscribe>${SUBSCRIBE.source})|(?<ads>${ADS.source})|(?<comments>${COMMENTS.source})|(?<share>${FOLLOW.source})`, 'iu');

/** Word stems one of CALLS needs: plain substring tests skip the regex on almost every block. */
const CALL_STEMS = ['newsletter', 'subscri', 'abonn', 'suscri', 'zapisz', 'anzeige', 'werbung', 'advert', 'sponsor', 'publici', 'reklama', 'pubblicit', 'komment', 'comment', 'omentar', 'antwort', 'repl', 'follow', 'folg', 'síguenos', 'suivez', 'canal de', 'download'];
function hasCallStem(text: string): boolean {
  const t = text.toLowerCase();
  for (const s of CALL_STEMS) if (t.includes(s)) return true;
  return false;
}

/** The rule a short line falls under, or null for text. */
export function lineRule(text: string): string | null {
  if (text.length <= 200) {
    const m = hasCallStem(text) ? CALLS.exec(text) : null;
    if (m) return m.groups!.subscribe !== undefined ? 'subscribe' : m.groups!.ads !== undefined ? 'ads' : m.groups!.comments !== undefined ? 'comments' : 'share';
  }
  if (text.length > 120) return null;
  if (CREDIT.test(text)) return 'caption';
  if (text.length <= 80 && RELATED.test(text)) return 'related';
  if (text.length > 60) return null;
  if (READ_TIME.test(text)) return 'byline-meta';
  if (text.length <= 30 && TOC.test(text)) return 'navigation';
  if (text.length <= 30 && TAGS.test(text)) return 'byline-meta';
  if (BYLINE.test(text)) return 'byline-meta';
  DATE.lastIndex = 0;
  if (!DATE.test(text)) return null;
  DATE.lastIndex = 0;
  const rest = text.replace(DATE, ' ').replace(FILLER, ' ').replace(/[\s|,;:.()·•–—/-]+/gu, ' ').trim();
  return rest.split(' ').filter(Boolean).length <= 2 ? 'date-line' : null;
}
