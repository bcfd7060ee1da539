#include "filters/fold.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace moisson::filters {

void Fold(std::string_view text, FoldedText* out) {
  // Folding never lengthens the text (every mapping is at most as long as
  // its source), so the buffers are sized once and written through pointers.
  out->kept.resize(text.size());
  out->lower.resize(text.size());
  out->map.resize(text.size() + 1);
  char* k = out->kept.data();
  char* o = out->lower.data();
  std::uint32_t* m = out->map.data();
  std::size_t n = 0;
  for (std::size_t i = 0; i < text.size();) {
#if defined(__SSE2__)
    // Sixteen plain ASCII bytes (no tab, no carriage return, no two blanks
    // in a row) fold to themselves, A-Z lowered in `lower`, one offset each:
    // the common case of prose, done sixteen at a time.
    if (i + 16 <= text.size()) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + i));
      const unsigned high = static_cast<unsigned>(_mm_movemask_epi8(v));
      const unsigned blank = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(' '))));
      const unsigned other = static_cast<unsigned>(_mm_movemask_epi8(
          _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\t')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\r')))));
      const bool after_blank = n > 0 && o[n - 1] == ' ';
      if (high == 0 && other == 0 && (blank & (blank >> 1)) == 0 && !((blank & 1) && after_blank)) {
        // 'A'..'Z' as signed bytes: v - 'A' < 26 after a bias of -128.
        const __m128i biased = _mm_sub_epi8(v, _mm_set1_epi8(static_cast<char>('A' + 128)));
        const __m128i upper = _mm_cmplt_epi8(biased, _mm_set1_epi8(static_cast<char>(-128 + 26)));
        const __m128i lowered = _mm_add_epi8(v, _mm_and_si128(upper, _mm_set1_epi8(32)));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(k + n), v);
        _mm_storeu_si128(reinterpret_cast<__m128i*>(o + n), lowered);
        __m128i at = _mm_add_epi32(_mm_set1_epi32(static_cast<int>(i)), _mm_setr_epi32(0, 1, 2, 3));
        for (int q = 0; q < 4; ++q) {
          _mm_storeu_si128(reinterpret_cast<__m128i*>(m + n + 4 * q), at);
          at = _mm_add_epi32(at, _mm_set1_epi32(4));
        }
        n += 16;
        i += 16;
        continue;
      }
    }
#endif
    const unsigned char c = static_cast<unsigned char>(text[i]);
    // Writes a folded form (ASCII, already lower case) of the character at i.
    const auto put = [&](const char* s, std::size_t consumed) {
      for (const char* p = s; *p; ++p) {
        k[n] = *p;
        o[n] = *p;
        m[n++] = static_cast<std::uint32_t>(i);
      }
      i += consumed;
    };
    if (c == ' ' || c == '\t' || c == '\r') {
      // Runs of blanks fold to one space, so lexicon phrases are literals.
      if (n == 0 || o[n - 1] != ' ') put(" ", 1);
      else ++i;
      continue;
    }
    if (c < 0x80) {
      k[n] = static_cast<char>(c);
      o[n] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : static_cast<char>(c);
      m[n++] = static_cast<std::uint32_t>(i);
      ++i;
      continue;
    }
    if (c == 0xC3 && i + 1 < text.size()) {
      const unsigned char d = static_cast<unsigned char>(text[i + 1]) & 0xDF;  // upper and lower alike
      const char* r = nullptr;
      switch (d) {
        case 0x80: case 0x81: case 0x82: case 0x83: case 0x84: case 0x85: r = "a"; break;
        case 0x87: r = "c"; break;
        case 0x88: case 0x89: case 0x8A: case 0x8B: r = "e"; break;
        case 0x8C: case 0x8D: case 0x8E: case 0x8F: r = "i"; break;
        case 0x91: r = "n"; break;
        case 0x92: case 0x93: case 0x94: case 0x95: case 0x96: r = "o"; break;
        case 0x99: case 0x9A: case 0x9B: case 0x9C: r = "u"; break;
        case 0x9D: r = "y"; break;
        default: break;
      }
      if (r) {
        put(r, 2);
        continue;
      }
    }
    if (c == 0xD0 && i + 1 < text.size()) {
      // Cyrillic capitals: kept as written, lowered in the lower view (the
      // same two bytes' length). А-П (D0 90-9F) -> а-п (D0 B0-BF), Р-Я
      // (D0 A0-AF) -> р-я (D1 80-8F), Ё (D0 81) -> ё (D1 91).
      const unsigned char d = static_cast<unsigned char>(text[i + 1]);
      unsigned char lo0 = 0, lo1 = 0;
      if (d >= 0x90 && d <= 0x9F) {
        lo0 = 0xD0;
        lo1 = static_cast<unsigned char>(d + 0x20);
      } else if (d >= 0xA0 && d <= 0xAF) {
        lo0 = 0xD1;
        lo1 = static_cast<unsigned char>(d - 0x20);
      } else if (d == 0x81) {
        lo0 = 0xD1;
        lo1 = 0x91;
      }
      if (lo0 != 0) {
        k[n] = static_cast<char>(c);
        o[n] = static_cast<char>(lo0);
        m[n++] = static_cast<std::uint32_t>(i);
        k[n] = static_cast<char>(d);
        o[n] = static_cast<char>(lo1);
        m[n++] = static_cast<std::uint32_t>(i + 1);
        i += 2;
        continue;
      }
    }
    if (c == 0xC5 && i + 1 < text.size() && (text[i + 1] == '\x93' || text[i + 1] == '\x92')) {
      put("oe", 2);  // œ Œ
      continue;
    }
    if (c == 0xE2 && i + 2 < text.size() && text[i + 1] == '\x80' &&
        (text[i + 2] == '\x99' || text[i + 2] == '\x98')) {
      put("'", 3);  // ’ ‘
      continue;
    }
    if (c == 0xE2 && i + 2 < text.size() && text[i + 1] == '\x80' && (text[i + 2] == '\x93' || text[i + 2] == '\x94')) {
      put("-", 3);  // – —
      continue;
    }
    if (c == 0xC2 && i + 1 < text.size() && text[i + 1] == '\xA0') {
      if (n == 0 || o[n - 1] != ' ') put(" ", 2);  // no-break space
      else i += 2;
      continue;
    }
    // Anything else non-ASCII: kept as is, byte by byte.
    k[n] = static_cast<char>(c);
    o[n] = static_cast<char>(c);
    m[n++] = static_cast<std::uint32_t>(i);
    ++i;
  }
  m[n] = static_cast<std::uint32_t>(text.size());
  out->kept.resize(n);
  out->lower.resize(n);
  out->map.resize(n + 1);
}

std::string FoldLower(std::string_view text) {
  FoldedText f;
  Fold(text, &f);
  return std::move(f.lower);
}

}  // namespace moisson::filters
