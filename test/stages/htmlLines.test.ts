import assert from 'node:assert/strict';
import { test } from 'node:test';
import { legal } from '../../stages/html/boilerplate.js';
import { lineRule } from '../../stages/html/lines.js';

test('page-furniture lines are named by rule in the languages of the web, with Unicode word edges', () => {
  const cases: [string, string | null][] = [
    ['Zobacz również', 'related'],
    ['Czytaj także:', 'related'],
    ['Lesen Sie auch', 'related'],
    ['Publicité', 'ads'],
    ['Zapisz się', 'subscribe'],
    ['Inhaltsverzeichnis', 'navigation'],
    ['Table of Contents', 'navigation'],
    ['Etiquetas:', 'byline-meta'],
    ['Schlagwörter:', 'byline-meta'],
    ['Abbildung 4: klassische Schwachschicht.', 'caption'],
    ['Foto: dpa', 'caption'],
    ['Veröffentlicht am 12. März 2021', 'date-line'],
    ['Publié le 3 février 2020', 'date-line'],
    ['7 min read', 'byline-meta'],
    // Text that only looks like furniture stays.
    ['Zobacz również, jak to zrobić: najpierw umyj ręce, potem pokrój warzywa i wrzuć je do garnka z wodą.', null],
    ['Inhalt und Form des Vertrags sind frei wählbar.', null],
    ['Figures of speech are everywhere in this novel.', null],
    ['Tagsüber war es warm.', null],
  ];
  for (const [text, rule] of cases) assert.equal(lineRule(text), rule, text);
});

test('cookie, privacy and rights lines are legal text in many languages; prose about cookies is not', () => {
  for (const t of ['We use cookies to improve your experience.', 'Na tej stronie korzystamy z cookies.', 'Utilizamos cookies propias y de terceros.', 'Nous utilisons des cookies pour mesurer l’audience.', 'Tous droits réservés 2020', 'Wszelkie prawa zastrzeżone.', 'Diese Website verwendet Cookies.', '© 2021 Example GmbH']) assert.ok(legal(t), t);
  for (const t of ['Bake the cookies for twelve minutes.', 'Die Rechte der Mieter wurden gestärkt.', 'Los derechos humanos son universales.']) assert.ok(!legal(t), t);
});
