// test_ui_text.cpp: the UI's string table (ui_text.h) — every key has an English and a Chinese text, a printf
// format keeps its specifiers in both — and the Chinese font the build subsets from the table: an ImGui atlas
// built as the apps build it (DejaVu Sans, the subset merged over it) has a glyph for every character of every
// Chinese string, and stays small.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "ui_text.h"

using namespace convlens;

namespace {

// The printf conversions of `format` in order, each as written ("%d", "%.1f", "%zu", "%%").
std::vector<std::string> specifiers(const char* format) {
  std::vector<std::string> out;
  for (const char* p = format; *p; ++p) {
    if (*p != '%') continue;
    const char* start = p++;
    while (*p && std::string("-+ #0123456789.*hlLzjt").find(*p) != std::string::npos) ++p;
    if (!*p) break;
    out.emplace_back(start, size_t(p - start + 1));
  }
  return out;
}

// The code points of UTF-8 text (the table's is well-formed: the compiler read it as UTF-8).
std::vector<unsigned> codepoints(const char* utf8) {
  std::vector<unsigned> out;
  for (const unsigned char* p = reinterpret_cast<const unsigned char*>(utf8); *p;) {
    const int more = *p < 0x80 ? 0 : *p < 0xE0 ? 1 : *p < 0xF0 ? 2 : 3;
    unsigned c = more == 0 ? *p : *p & (0x3Fu >> more);
    ++p;
    for (int i = 0; i < more && (*p & 0xC0) == 0x80; ++i, ++p) c = (c << 6) | (*p & 0x3Fu);
    out.push_back(c);
  }
  return out;
}

}  // namespace

TEST_CASE("every key has a text in English and in Traditional Chinese", "[ui][text]") {
  for (int k = 0; k < int(Text::Count); ++k) {
    const char* en = tr_in(Language::English, Text(k));
    const char* zh = tr_in(Language::TraditionalChinese, Text(k));
    INFO("key " << k << ": " << en);
    REQUIRE(en != nullptr);
    REQUIRE(zh != nullptr);
    CHECK(en[0] != '\0');
    CHECK(zh[0] != '\0');
  }
  CHECK(std::string(tr_in(Language::TraditionalChinese, Text::Start)) == "開始");
}

TEST_CASE("a format's % specifiers are the same, in the same order, in both languages", "[ui][text]") {
  CHECK(specifiers("epoch %d/%d  %.1f%% %zu %ld %s") ==
        std::vector<std::string>{"%d", "%d", "%.1f", "%%", "%zu", "%ld", "%s"});
  for (int k = 0; k < int(Text::Count); ++k) {
    const char* en = tr_in(Language::English, Text(k));
    INFO("key " << k << ": " << en << " | " << tr_in(Language::TraditionalChinese, Text(k)));
    CHECK(specifiers(en) == specifiers(tr_in(Language::TraditionalChinese, Text(k))));
  }
}

TEST_CASE("the language switches the texts and tr_id keeps the ImGui ID", "[ui][text]") {
  ui_set_language(Language::TraditionalChinese);
  CHECK(std::string(tr(Text::Pause)) == "暫停");
  CHECK(tr_id(Text::Pause, "run") == "暫停###run");
  ui_set_language(Language::English);
  CHECK(std::string(tr(Text::Pause)) == "Pause");
  CHECK(tr_id(Text::Pause, "run") == "Pause###run");
}

TEST_CASE("the font atlas has a glyph for every character of every Chinese string", "[ui][text][font]") {
  ImFontAtlas atlas;
  REQUIRE(atlas.AddFontFromFileTTF(CONVLENS_FONT_PATH, 15.0f) != nullptr);
  REQUIRE(ui_merge_cjk_font(atlas, CONVLENS_CJK_FONT_PATH, 15.0f));
  REQUIRE(atlas.Build());
  const ImFont* font = atlas.Fonts[0];
  size_t checked = 0;
  for (int k = 0; k < int(Text::Count); ++k) {
    const char* zh = tr_in(Language::TraditionalChinese, Text(k));
    for (unsigned c : codepoints(zh)) {
      if (c < 0x20) continue;  // '\n'
      INFO("U+" << std::hex << c << " in " << zh);
      CHECK(font->FindGlyphNoFallback(ImWchar(c)) != nullptr);
      ++checked;
    }
  }
  CHECK(checked > 1000);
  // Only the table's characters, not whole CJK blocks (20,000 glyphs would need a 4096 x 4096 texture or more).
  INFO("atlas " << atlas.TexWidth << " x " << atlas.TexHeight);
  CHECK(atlas.TexWidth * atlas.TexHeight <= 1024 * 1024);
  CHECK(ui_merge_cjk_font(atlas, "/nonexistent/font.otf", 15.0f) == false);
}
