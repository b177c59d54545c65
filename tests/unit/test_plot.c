/* tests/unit/test_plot.c — figures: the font they name renders Chinese. */
#include <cairo-ft.h>
#include <cairo.h>
#include <stdlib.h>
#include "test.h"

/* CN_PLOT_FONT resolves (through fontconfig, as cn_plot_panels does) to a
 * face of that family, and that face has a glyph for each character of
 * Chinese applicant names: no .notdef boxes. Needs fonts-wqy-microhei,
 * which scripts/deps installs. */
TEST(plot_font_has_cjk_glyphs) {
  cairo_surface_t *sf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 10, 10);
  cairo_t *cr = cairo_create(sf);
  cairo_select_font_face(cr, CN_PLOT_FONT, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, 12);
  cairo_scaled_font_t *font = cairo_get_scaled_font(cr);
  CHECK_INT(cairo_scaled_font_get_type(font), CAIRO_FONT_TYPE_FT);
  FT_Face face = cairo_ft_scaled_font_lock_face(font);
  CHECK(face != NULL);
  if (face) {
    CHECK_STR(face->family_name, CN_PLOT_FONT);
    cairo_ft_scaled_font_unlock_face(font);
  }
  const char *text = "中国铁建股份有限公司 西南交通大学 Ltd.";
  cairo_glyph_t *g = NULL;
  int ng = 0;
  CHECK_INT(cairo_scaled_font_text_to_glyphs(font, 0, 0, text, -1, &g, &ng, NULL, NULL, NULL),
            CAIRO_STATUS_SUCCESS);
  CHECK_INT(ng, 22);
  int missing = 0;
  for (int i = 0; i < ng; i++) missing += g[i].index == 0;
  CHECK_INT(missing, 0);
  cairo_glyph_free(g);
  cairo_destroy(cr);
  cairo_surface_destroy(sf);
}
