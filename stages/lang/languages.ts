// What sluice knows about each language cld3 identifies: the scripts it is written in, whether words are separated
// by spaces, and its FineWeb-2 config (the ISO 639-3 + script name FineWeb-2 files its thresholds under).
export interface Language {
  /** Unicode scripts (property-escape names) the language's letters are in. */
  scripts: string[];
  /** Written without spaces between words: words come from a segmenter (jieba, ICU dictionaries). */
  spaceless?: boolean;
  /** FineWeb-2's config name; absent for English (FineWeb-1) and for romanizations (-Latn). */
  fineweb2?: string;
}

const L = (scripts: string, fineweb2?: string, spaceless = false): Language => ({ scripts: scripts.split(' '), ...(fineweb2 ? { fineweb2 } : {}), ...(spaceless ? { spaceless } : {}) });

/** By the code lang-detect writes (cld3's ISO 639-1 codes, -Latn for romanized text). */
export const LANGUAGES: Record<string, Language> = {
  af: L('Latin', 'afr_Latn'), am: L('Ethiopic', 'amh_Ethi'), ar: L('Arabic', 'arb_Arab'), az: L('Latin', 'azj_Latn'),
  be: L('Cyrillic', 'bel_Cyrl'), bg: L('Cyrillic', 'bul_Cyrl'),
  bn: L('Bengali', 'ben_Beng'), bs: L('Latin', 'bos_Latn'), ca: L('Latin', 'cat_Latn'), ceb: L('Latin', 'ceb_Latn'),
  co: L('Latin', 'cos_Latn'), cs: L('Latin', 'ces_Latn'), cy: L('Latin', 'cym_Latn'), da: L('Latin', 'dan_Latn'),
  de: L('Latin', 'deu_Latn'), el: L('Greek', 'ell_Grek'), en: L('Latin'), eo: L('Latin', 'epo_Latn'), es: L('Latin', 'spa_Latn'),
  et: L('Latin', 'ekk_Latn'), eu: L('Latin', 'eus_Latn'), fa: L('Arabic', 'fas_Arab'), fi: L('Latin', 'fin_Latn'),
  fil: L('Latin', 'fil_Latn'), fr: L('Latin', 'fra_Latn'), fy: L('Latin', 'fry_Latn'), ga: L('Latin', 'gle_Latn'),
  gd: L('Latin', 'gla_Latn'), gl: L('Latin', 'glg_Latn'), gu: L('Gujarati', 'guj_Gujr'), ha: L('Latin', 'hau_Latn'),
  haw: L('Latin', 'haw_Latn'), he: L('Hebrew', 'heb_Hebr'), hi: L('Devanagari', 'hin_Deva'), hmn: L('Latin'),
  hr: L('Latin', 'hrv_Latn'), ht: L('Latin', 'hat_Latn'), hu: L('Latin', 'hun_Latn'), hy: L('Armenian', 'hye_Armn'),
  id: L('Latin', 'ind_Latn'), ig: L('Latin', 'ibo_Latn'), is: L('Latin', 'isl_Latn'), it: L('Latin', 'ita_Latn'),
  ja: L('Han Hiragana Katakana', 'jpn_Jpan', true), jv: L('Latin', 'jav_Latn'), ka: L('Georgian', 'kat_Geor'),
  kk: L('Cyrillic', 'kaz_Cyrl'), km: L('Khmer', 'khm_Khmr', true), kn: L('Kannada', 'kan_Knda'), ko: L('Hangul Han', 'kor_Hang'),
  ku: L('Latin', 'kmr_Latn'), ky: L('Cyrillic', 'kir_Cyrl'), la: L('Latin', 'lat_Latn'), lb: L('Latin', 'ltz_Latn'),
  lo: L('Lao', 'lao_Laoo', true), lt: L('Latin', 'lit_Latn'), lv: L('Latin', 'lvs_Latn'), mg: L('Latin', 'plt_Latn'),
  mi: L('Latin', 'mri_Latn'), mk: L('Cyrillic', 'mkd_Cyrl'), ml: L('Malayalam', 'mal_Mlym'), mn: L('Cyrillic', 'khk_Cyrl'),
  mr: L('Devanagari', 'mar_Deva'), ms: L('Latin', 'zsm_Latn'), mt: L('Latin', 'mlt_Latn'), my: L('Myanmar', 'mya_Mymr', true),
  ne: L('Devanagari', 'npi_Deva'), nl: L('Latin', 'nld_Latn'), no: L('Latin', 'nob_Latn'), ny: L('Latin', 'nya_Latn'),
  pa: L('Gurmukhi', 'pan_Guru'), pl: L('Latin', 'pol_Latn'), ps: L('Arabic', 'pbt_Arab'), pt: L('Latin', 'por_Latn'),
  ro: L('Latin', 'ron_Latn'), ru: L('Cyrillic', 'rus_Cyrl'), sd: L('Arabic', 'snd_Arab'), si: L('Sinhala', 'sin_Sinh'),
  sk: L('Latin', 'slk_Latn'), sl: L('Latin', 'slv_Latn'), sm: L('Latin', 'smo_Latn'), sn: L('Latin', 'sna_Latn'),
  so: L('Latin', 'som_Latn'), sq: L('Latin', 'als_Latn'), sr: L('Cyrillic Latin', 'srp_Cyrl'), st: L('Latin', 'sot_Latn'),
  su: L('Latin', 'sun_Latn'), sv: L('Latin', 'swe_Latn'), sw: L('Latin', 'swh_Latn'), ta: L('Tamil', 'tam_Taml'),
  te: L('Telugu', 'tel_Telu'), tg: L('Cyrillic', 'tgk_Cyrl'), th: L('Thai', 'tha_Thai', true), tr: L('Latin', 'tur_Latn'),
  uk: L('Cyrillic', 'ukr_Cyrl'), ur: L('Arabic', 'urd_Arab'), uz: L('Latin Cyrillic', 'uzn_Latn'), vi: L('Latin', 'vie_Latn'),
  xh: L('Latin', 'xho_Latn'), yi: L('Hebrew', 'ydd_Hebr'), yo: L('Latin', 'yor_Latn'), zh: L('Han', 'cmn_Hani', true),
  zu: L('Latin', 'zul_Latn'),
};

/** The language record of a lang-detect code: `zh-Hans` and `zh-Hant` are `zh`; `ru-Latn` is Latin-script text. */
export function languageOf(lang: string | null | undefined): Language | undefined {
  if (!lang || lang === 'und') return undefined;
  const [base, variant] = lang.split('-');
  if (variant === 'Latn') return { scripts: ['Latin'] };
  return LANGUAGES[base];
}

/** The base code (`zh-Hans` -> `zh`). */
export const baseLang = (lang: string): string => lang.split('-')[0];
