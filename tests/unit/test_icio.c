/* tests/unit/test_icio.c — inter-country input-output measures (spec/
 * measures.md §2-3, docs/measures.md): θ1, θ2 and the gvc columns.
 * Tiny tables are computed by hand in the comments; the leather and WIOD
 * numbers were printed by tests/data/gen/icio_reference.py (numpy, explicit
 * inverses and sums straight from the formulas):
 *   /usr/bin/python3 tests/data/gen/icio_reference.py tests/data --wiod */
#include <stdlib.h>
#include "test.h"

/* Writes text to a scratch file; returns its path (a static buffer). */
static const char *scratch(const char *name, const char *text) {
  const char *p = cn_test_path(cn_test_tmpdir(), name);
  FILE *fp = fopen(p, "wb");
  if (!fp) return p;
  fputs(text, fp);
  fclose(fp);
  return p;
}

/* Reads a table from three texts. */
static cn_icio *icio_of(const char *inter, const char *final, const char *output, cn_diag *d, cn_status want) {
  char zi[1024], fi[1024], xo[1024];
  snprintf(zi, sizeof zi, "%s", scratch("inter.csv", inter));
  snprintf(fi, sizeof fi, "%s", scratch("final.csv", final));
  snprintf(xo, sizeof xo, "%s", scratch("output.csv", output));
  cn_icio *io = NULL;
  CHECK_STATUS(cn_icio_read(zi, fi, xo, NULL, &io, d), want, d);
  return io;
}

static cn_icio *leather(void) {
  char zi[1024], fi[1024], xo[1024];
  snprintf(zi, sizeof zi, "%s", cn_test_path(cn_test_data(), "icio-leather/inter.csv"));
  snprintf(fi, sizeof fi, "%s", cn_test_path(cn_test_data(), "icio-leather/final.csv"));
  snprintf(xo, sizeof xo, "%s", cn_test_path(cn_test_data(), "icio-leather/output.csv"));
  cn_icio *io = NULL;
  cn_diag d;
  CHECK_STATUS(cn_icio_read(zi, fi, xo, NULL, &io, &d), CN_OK, &d);
  return io;
}

static double col(const cn_table *t, const char *name, int64_t row) {
  int c = cn_table_find(t, name);
  CHECK(c >= 0);
  return c < 0 ? NAN : cn_table_get_num(t, c, row);
}

/* H1: 2 countries × 1 industry. Z = [[10, 20], [30, 5]], final demand
 * A.fd = (50, 10), B.fd = (20, 55), x = (100, 100). A = Z/100; v = x −
 * column sums = (60, 75), vc = (.6, .75); I − A = [[.9, −.2], [−.3, .95]],
 * det .795, B = [[.95, .2], [.3, .9]] / .795. */
static const char h1_inter[] = ",A.m,B.m\nA.m,10,20\nB.m,30,5\n";
static const char h1_final[] = ",A.fd,B.fd\nA.m,50,20\nB.m,10,55\n";
static const char h1_output[] = "row,out\nA.m,100\nB.m,100\n";

TEST(icio_hand_theta_2x1) {
  cn_diag d;
  cn_icio *io = icio_of(h1_inter, h1_final, h1_output, &d, CN_OK);
  if (!io) return;
  CHECK_INT(io->n, 2);
  CHECK_INT(io->ncountry, 2);
  CHECK_STR(io->industry[1], "m");
  cn_table *t = NULL, *u = NULL;
  CHECK_STATUS(cn_icio_theta(io, "A", NULL, &t, &u, &d), CN_OK, &d);
  if (t) {
    CHECK_INT(cn_table_nrow(t), 1);
    /* θ1_A = FVA_A = (VB)_{B,A} = .75 · .3/.795; θ2_A = DVA_B = (VB)_{A,B} = .6 · .2/.795 */
    CHECK_NEAR(col(t, "theta1", 0), .225 / .795, 1e-12);
    CHECK_NEAR(col(t, "theta2", 0), .12 / .795, 1e-12);
    CHECK_NEAR(col(t, "dom_inputs", 0), .1, 1e-12);
    CHECK_NEAR(col(t, "imp_inputs", 0), .3, 1e-12);
    CHECK(u == NULL);
  }
  cn_table_free(t);
  t = NULL;
  /* θ1_B = (VB)_{A,B} = .12/.795, θ2_B = (VB)_{B,A} = .225/.795 */
  CHECK_STATUS(cn_icio_theta(io, "B", NULL, &t, NULL, &d), CN_OK, &d);
  if (t) {
    CHECK_NEAR(col(t, "theta1", 0), .12 / .795, 1e-12);
    CHECK_NEAR(col(t, "theta2", 0), .225 / .795, 1e-12);
  }
  cn_table_free(t);
  CHECK_STATUS(cn_icio_theta(io, "C", NULL, &t, NULL, &d), CN_EUSAGE, &d);
  cn_icio_free(io);
}

TEST(icio_hand_gvc_2x1) {
  cn_diag d;
  cn_icio *io = icio_of(h1_inter, h1_final, h1_output, &d, CN_OK);
  if (!io) return;
  cn_table *t = NULL;
  CHECK_STATUS(cn_icio_gvc(io, NULL, &t, NULL, &d), CN_OK, &d);
  if (t) {
    /* E_A = Z_AB + F_{A,B.fd} = 20 + 20; E_B = 30 + 10 */
    CHECK_NEAR(col(t, "E", 0), 40, 1e-12);
    CHECK_NEAR(col(t, "E", 1), 40, 1e-12);
    /* FV_A = 40 (VB)_{B,A} = 40 · .225/.795; FV_B = 40 · .12/.795 */
    CHECK_NEAR(col(t, "FV", 0), 9 / .795, 1e-12);
    CHECK_NEAR(col(t, "FV", 1), 4.8 / .795, 1e-12);
    /* two countries: no third country, IV = 0 */
    CHECK_NEAR(col(t, "IV", 0), 0, 1e-12);
    CHECK_NEAR(col(t, "participation", 0), 9 / .795 / 40, 1e-12);
    CHECK_NEAR(col(t, "position", 0), -log1p(9 / .795 / 40), 1e-12);
    /* downstreamness = column sums of B: (.95 + .3)/.795, (.2 + .9)/.795 */
    CHECK_NEAR(col(t, "downstreamness", 0), 1.25 / .795, 1e-12);
    CHECK_NEAR(col(t, "downstreamness", 1), 1.1 / .795, 1e-12);
    /* upstreamness: Δ = Z/x by rows = A here (x = 100), U = B 1 */
    CHECK_NEAR(col(t, "upstreamness", 0), 1.15 / .795, 1e-12);
    CHECK_NEAR(col(t, "upstreamness", 1), 1.2 / .795, 1e-12);
  }
  cn_table_free(t);
  cn_icio_free(io);
}

/* H2: 3 countries × 1 industry, a chain: A sells 10 of inputs to B, B sells
 * final goods to B (20) and C (30), C only to itself (50); A's final goods
 * 40 at home and 10 into A's inventories (column A.inv). x = (60, 50, 50),
 * the only A entry a_AB = 10/50 = .2, so B = I + A (B_AB = .2); v = (60,
 * 40, 50), vc = (1, .8, 1). */
static const char h2_inter[] = ",A.m,B.m,C.m\nA.m,0,10,0\nB.m,0,0,0\nC.m,0,0,0\n";
static const char h2_final[] = ",A.fd,A.inv,B.fd,C.fd\nA.m,40,10,0,0\nB.m,0,0,20,30\nC.m,0,0,0,50\n";
static const char h2_output[] = "row,out\nA.m,60\nB.m,50\nC.m,50\n";

TEST(icio_hand_gvc_3x1) {
  cn_diag d;
  cn_icio *io = icio_of(h2_inter, h2_final, h2_output, &d, CN_OK);
  if (!io) return;
  cn_table *t = NULL;
  cn_icio_gvc_info info;
  CHECK_STATUS(cn_icio_gvc(io, NULL, &t, &info, &d), CN_OK, &d);
  if (t) {
    /* E = (10, 30, 0) */
    CHECK_NEAR(col(t, "E", 0), 10, 1e-12);
    CHECK_NEAR(col(t, "E", 1), 30, 1e-12);
    CHECK_NEAR(col(t, "E", 2), 0, 1e-12);
    /* IV_A = vc_A B_AB Y_{B,C} = .2 · 30 = 6 (A's inputs in B's exports to C);
     * IV_B = IV_C = 0 */
    CHECK_NEAR(col(t, "IV", 0), 6, 1e-12);
    CHECK_NEAR(col(t, "IV", 1), 0, 1e-12);
    /* FV_A = 0; FV_B = 30 · vc_A B_AB = 6 */
    CHECK_NEAR(col(t, "FV", 0), 0, 1e-12);
    CHECK_NEAR(col(t, "FV", 1), 6, 1e-12);
    /* participation, position: A .6, ln 1.6; B .2, −ln 1.2; C: E = 0, missing */
    CHECK_NEAR(col(t, "participation", 0), .6, 1e-12);
    CHECK_NEAR(col(t, "position", 0), log(1.6), 1e-12);
    CHECK_NEAR(col(t, "participation", 1), .2, 1e-12);
    CHECK_NEAR(col(t, "position", 1), -log(1.2), 1e-12);
    CHECK(isnan(col(t, "participation", 2)));
    /* no inventories: Δ_AB = 10/60, U_A = 1 + 1/6; D = column sums of B = (1, 1.2, 1) */
    CHECK_NEAR(col(t, "upstreamness", 0), 7.0 / 6, 1e-12);
    CHECK_NEAR(col(t, "upstreamness", 1), 1, 1e-12);
    CHECK_NEAR(col(t, "downstreamness", 1), 1.2, 1e-12);
    /* WWYZ (A_D = 0, L = I, A_F = A): forward_A = vc_A (A B y)_A / v_A with
     * y = (50, 50, 50): (A B y)_A = .2 · 50 = 10 → 10/60; backward_B =
     * (vc' A B)_B = vc_A · .2 = .2 (A's value added in B's final goods) */
    CHECK_NEAR(col(t, "wwyz_forward", 0), 10.0 / 60, 1e-12);
    CHECK_NEAR(col(t, "wwyz_forward", 1), 0, 1e-12);
    CHECK_NEAR(col(t, "wwyz_backward", 1), .2, 1e-12);
    CHECK_NEAR(col(t, "wwyz_backward", 0), 0, 1e-12);
    CHECK_INT(info.n_output_nonpos, 0);
  }
  cn_table_free(t);
  t = NULL;
  /* with inventories: N_A = 10, Δ_AB = 10/(60 − 10) = .2, U_A = 1.2;
   * Ã_AB = (60/50) · 10/50 = .24, D_B = 1.24 */
  CHECK_STATUS(cn_icio_gvc(io, "inv", &t, &info, &d), CN_OK, &d);
  if (t) {
    CHECK_NEAR(col(t, "upstreamness", 0), 1.2, 1e-12);
    CHECK_NEAR(col(t, "downstreamness", 1), 1.24, 1e-12);
    CHECK_NEAR(col(t, "IV", 0), 6, 1e-12);
    CHECK_INT(info.n_inventory_cols, 1);
    CHECK_INT(info.n_inv_nonpos, 0);
  }
  cn_table_free(t);
  t = NULL;
  CHECK_STATUS(cn_icio_gvc(io, "c42", &t, NULL, &d), CN_EUSAGE, &d);
  cn_icio_free(io);
}

/* H3: a row with output 0 and one with x − N ≤ 0 are flagged, not fatal. */
TEST(icio_hand_flags) {
  cn_diag d;
  cn_icio *io = icio_of(",A.m,A.n,B.m\nA.m,1,0,2\nA.n,0,0,0\nB.m,3,0,1\n",
                        ",A.fd,A.inv,B.fd\nA.m,5,0,2\nA.n,0,0,0\nB.m,2,4,0\n",
                        "row,out\nA.m,10\nA.n,0\nB.m,10\n", &d, CN_OK);
  if (!io) return;
  cn_table *t = NULL;
  cn_icio_gvc_info info;
  CHECK_STATUS(cn_icio_gvc(io, "inv", &t, &info, &d), CN_OK, &d);
  if (t) {
    CHECK_INT(info.n_output_nonpos, 1);
    CHECK_INT(info.n_inv_nonpos, 1); /* A.n: x − N = 0; B.m: 10 − 4 = 6 */
    CHECK_INT(col(t, "flag_output", 1), 1);
    CHECK_INT(col(t, "flag_inventory", 1), 1);
    CHECK_INT(col(t, "flag_output", 0), 0);
    CHECK_NEAR(col(t, "upstreamness", 1), 1, 1e-12);
    CHECK(isnan(col(t, "wwyz_forward", 1)));
    CHECK(isnan(col(t, "participation", 1)));
    /* Δ_{B,A} = 3/6, Δ_{B,B} = 1/6: U_B = (1 + .5 U_A) / (5/6) */
    double ua = col(t, "upstreamness", 0);
    CHECK_NEAR(col(t, "upstreamness", 2), (1 + .5 * ua) / (5.0 / 6), 1e-12);
  }
  cn_table_free(t);
  t = NULL;
  CHECK_STATUS(cn_icio_theta(io, "A", NULL, &t, NULL, &d), CN_OK, &d);
  if (t) {
    CHECK(isnan(col(t, "theta1", 1)));
    CHECK_INT(col(t, "flag_output", 1), 1);
  }
  cn_table_free(t);
  cn_icio_free(io);
}

TEST(icio_read_errors) {
  cn_diag d;
  /* column labels out of order */
  icio_of(",A.m,B.m\nB.m,1,2\nA.m,3,4\n", h1_final, h1_output, &d, CN_EDATA);
  CHECK(strstr(d.message, "must follow its rows") != NULL);
  /* final-demand rows differ from Z's */
  icio_of(h1_inter, ",A.fd,B.fd\nA.m,50,20\nC.m,10,55\n", h1_output, &d, CN_EDATA);
  CHECK_INT(d.line, 3);
  CHECK(strstr(d.file, "final.csv") != NULL);
  /* a label without a country */
  icio_of(",Am,B.m\nAm,1,2\nB.m,3,4\n", h1_final, h1_output, &d, CN_EDATA);
  CHECK_INT(d.line, 2);
  /* a final-demand country without rows */
  icio_of(h1_inter, ",A.fd,Z.fd\nA.m,50,20\nB.m,10,55\n", h1_output, &d, CN_EDATA);
  CHECK(strstr(d.message, "no rows") != NULL);
  /* a cell that is not a number */
  icio_of(",A.m,B.m\nA.m,1,2\nB.m,x,4\n", h1_final, h1_output, &d, CN_EDATA);
  CHECK_INT(d.line, 3);
  CHECK(strstr(d.file, "inter.csv") != NULL);
  /* not square */
  icio_of(",A.m,B.m\nA.m,1,2\n", h1_final, h1_output, &d, CN_EDATA);
  /* singular I − A: A.m uses all its output itself (the accounts balance:
   * A.m 1 + 0 = 1, B.m 0 + 1 = 1) */
  cn_icio *io = icio_of(",A.m,B.m\nA.m,1,0\nB.m,0,0\n", ",A.fd,B.fd\nA.m,0,0\nB.m,0,1\n",
                        "row,out\nA.m,1\nB.m,1\n", &d, CN_OK);
  cn_table *t = NULL;
  if (io) CHECK_STATUS(cn_icio_gvc(io, NULL, &t, NULL, &d), CN_EANALYSIS, &d);
  cn_icio_free(io);
}

/* Leather (decompr), Turkey and Argentina: numpy reference. */
TEST(icio_leather_theta) {
  static const struct {
    const char *country, *industry;
    double t1, t2;
  } want[] = {
      {"Turkey", "Agriculture", 0.18802649192230106, 0.11333685824399307},
      {"Turkey", "Textile_and_Leather", 0.18846238384008276, 0.09998103363240049},
      {"Turkey", "Transport_Equipment", 0.2272620602789446, 0.13923184622964713},
      {"Argentina", "Agriculture", 0.1266737925837737, 0.08153570537027614},
      {"Argentina", "Textile_and_Leather", 0.18222038287182768, 0.06937643063025968},
      {"Argentina", "Transport_Equipment", 0.23116689991339132, 0.10546772506422825},
  };
  cn_icio *io = leather();
  if (!io) return;
  for (int k = 0; k < 2; k++) {
    cn_table *t = NULL;
    cn_diag d;
    CHECK_STATUS(cn_icio_theta(io, want[3 * k].country, NULL, &t, NULL, &d), CN_OK, &d);
    if (!t) continue;
    CHECK_INT(cn_table_nrow(t), 3);
    for (int i = 0; i < 3; i++) {
      CHECK_STR(cn_table_str(t, 0, i, NULL), want[3 * k + i].industry);
      CHECK_NEAR(col(t, "theta1", i), want[3 * k + i].t1, 1e-9);
      CHECK_NEAR(col(t, "theta2", i), want[3 * k + i].t2, 1e-9);
    }
    cn_table_free(t);
  }
  cn_icio_free(io);
}

/* A concordance: Agriculture → 01, Textile_and_Leather → 17 and 19
 * (n-to-n), Mining → 06 (not in the table); Transport_Equipment unmatched.
 * Code 01 = Agriculture's θ; 17 = Textile's; 19 (also Agriculture) the output-
 * weighted mean of the two. */
TEST(icio_leather_theta_concord) {
  cn_icio *io = leather();
  if (!io) return;
  cn_table *c = NULL, *t = NULL, *u = NULL;
  cn_diag d;
  cn_read_opts o;
  cn_read_opts_init(&o);
  const char *sc[] = {"ind", "code"};
  o.string_cols = sc;
  o.n_string_cols = 2;
  CHECK_STATUS(cn_table_read(scratch("conc.csv", "ind,code\nAgriculture,01\nTextile_and_Leather,17\n"
                                                 "Textile_and_Leather,19\nMining,06\nAgriculture,19\n"),
                             &o, &c, &d),
               CN_OK, &d);
  CHECK_STATUS(cn_icio_theta(io, "Turkey", c, &t, &u, &d), CN_OK, &d);
  if (t && u) {
    CHECK_INT(cn_table_nrow(t), 4);
    CHECK_STR(cn_table_str(t, 0, 0, NULL), "01");
    CHECK_NEAR(col(t, "theta1", 0), 0.18802649192230106, 1e-9);
    CHECK_STR(cn_table_str(t, 0, 1, NULL), "17");
    CHECK_NEAR(col(t, "theta2", 1), 0.09998103363240049, 1e-9);
    /* 19 = output-weighted mean of Textile (124.6) and Agriculture (112.7) */
    CHECK_STR(cn_table_str(t, 0, 2, NULL), "19");
    CHECK_NEAR(col(t, "theta1", 2), (124.6 * 0.18846238384008276 + 112.7 * 0.18802649192230106) / 237.3, 1e-9);
    CHECK_INT(col(t, "n_industries", 2), 2);
    CHECK_NEAR(col(t, "output", 2), 237.3, 1e-12);
    /* 06: no industry, missing θ */
    CHECK(isnan(col(t, "theta1", 3)));
    CHECK_INT(cn_table_nrow(u), 2);
    CHECK_STR(cn_table_str(u, 0, 0, NULL), "Transport_Equipment");
    CHECK_STR(cn_table_str(u, 1, 0, NULL), "table");
    CHECK_STR(cn_table_str(u, 0, 1, NULL), "Mining");
    CHECK_STR(cn_table_str(u, 1, 1, NULL), "concord");
  }
  cn_table_free(c), cn_table_free(t), cn_table_free(u);
  cn_icio_free(io);
}

/* Leather, every gvc column against numpy. */
TEST(icio_leather_gvc) {
  static const double L_E[9] = {33.2, 28.5, 2.6, 45.9, 59.199999999999996, 8.5, 38.699999999999996, 31.0, 77.9};
  static const double L_FV[9] = {3.404712275644761, 6.443233194889412, 0.7620980382011622, 7.4679321406514525, 11.125843137222933, 2.5444715624943077, 5.632133207440366, 5.280111085986473, 25.3971726472135};
  static const double L_IV[9] = {4.515471420122932, 3.7175211063546287, 0.178498254567381, 3.4442303625842854, 4.008851422037743, 0.2869716429030945, 1.1108849856156011, 0.9071461285696727, 0.730432547699785};
  static const double L_part[9] = {0.23855974987252088, 0.35651769478049267, 0.3617678049109781, 0.23773774516853458, 0.2556536243118358, 0.33311096534087087, 0.17423819620299658, 0.19958894240503694, 0.33539929646871997};
  static const double L_pos[9] = {0.029893409946391725, -0.08121439775309852, -0.19065460969454406, -0.07838919743771469, -0.10669499796528234, -0.22865986233620134, -0.10756940167922788, -0.1284396858768464, -0.27285119840325583};
  static const double L_U[9] = {2.0984037349778597, 2.1768556012448097, 1.631124414018685, 2.107103523991276, 2.180155928585196, 1.8392512259137623, 1.9895935848653024, 2.1017713107364506, 1.7587511265011315};
  static const double L_D[9] = {1.5654008369041539, 1.776986118673665, 2.4332201153446684, 1.7269200960568123, 1.9427449393693685, 2.504756585769753, 1.735891192200196, 2.062201144878506, 2.394123932482513};
  static const double L_fw[9] = {0.344541928874484, 0.45166129657941295, 0.1223945589517828, 0.3170871062241424, 0.3754873396748872, 0.14290427470783157, 0.13437143671162033, 0.16884352267113995, 0.12363325146938771};
  static const double L_bw[9] = {0.11162951643442809, 0.2431798705963935, 0.32527391436602854, 0.18367631011311564, 0.20962938295156291, 0.34522130041646804, 0.16271721332219913, 0.1908901265138644, 0.36640368236241094};
  /* --inventories Germany: the Germany final-demand column taken as N */
  static const double LI_U[9] = {2.6620662674145383, 2.788896311120498, 1.8046973781280435, 2.7637463814034695, 2.8942365460697297, 2.215266265143252, 3.289552287719028, 3.4020190267956787, 2.6431676566333238};
  static const double LI_D[9] = {1.8894308158407775, 2.2768286626743817, 3.4127091578696964, 2.2462109442651848, 2.527090040006926, 3.590608772465868, 2.4935059110452857, 3.2204421755416965, 3.802709440253307};
  cn_icio *io = leather();
  if (!io) return;
  cn_table *t = NULL;
  cn_diag d;
  CHECK_STATUS(cn_icio_gvc(io, NULL, &t, NULL, &d), CN_OK, &d);
  for (int i = 0; t && i < 9; i++) {
    CHECK_NEAR(col(t, "E", i), L_E[i], 1e-9);
    CHECK_NEAR(col(t, "FV", i), L_FV[i], 1e-9);
    CHECK_NEAR(col(t, "IV", i), L_IV[i], 1e-9);
    CHECK_NEAR(col(t, "participation", i), L_part[i], 1e-9);
    CHECK_NEAR(col(t, "position", i), L_pos[i], 1e-9);
    CHECK_NEAR(col(t, "upstreamness", i), L_U[i], 1e-9);
    CHECK_NEAR(col(t, "downstreamness", i), L_D[i], 1e-9);
    CHECK_NEAR(col(t, "wwyz_forward", i), L_fw[i], 1e-9);
    CHECK_NEAR(col(t, "wwyz_backward", i), L_bw[i], 1e-9);
  }
  cn_table_free(t);
  t = NULL;
  CHECK_STATUS(cn_icio_gvc(io, "Germany", &t, NULL, &d), CN_OK, &d);
  for (int i = 0; t && i < 9; i++) {
    CHECK_NEAR(col(t, "upstreamness", i), LI_U[i], 1e-9);
    CHECK_NEAR(col(t, "downstreamness", i), LI_D[i], 1e-9);
    CHECK_NEAR(col(t, "IV", i), L_IV[i], 1e-9);
  }
  cn_table_free(t);
  cn_icio_free(io);
}

/* WIOD 2011 (1435 × 1435, negative inventory cells, 22 rows with output
 * ≤ 0): runs, flags, and spot checks against numpy. */
TEST(icio_wiod_gvc) {
  static const struct {
    const char *label;
    double v[9];
    int fo, fi;
  } want[] = {
      {"CHN.c14", {721400.0, 208499.78656253434, 19588.95476854734, 0.31617513353352045, -0.22709110461721507, 2.8431100705624264, 3.6933219810025975, 0.28079326943259225, 0.3036373146475443}, 0, 0},
      {"USA.c1", {55450.0, 6919.044275853968, 2804.8208433009513, 0.17536276139143228, -0.0682422166818229, 2.5948763507102415, 2.23052728726091, 0.15684848469216467, 0.12944229568641144}, 0, 0},
      {"DEU.c15", {312479.0, 107530.18010539618, 10025.626836036668, 0.3762038631121863, -0.2641590855210237, 1.8796675314796258, 2.7879532366469046, 0.3009354895326887, 0.3674001982756987}, 0, 0},
      {"JPN.c12", {114879.0, 29056.43647570224, 10818.858749008928, 0.3471069144466018, -0.13548376038894022, 3.3760316774000776, 2.763360212587842, 0.3522221543215454, 0.256145952231024}, 0, 0},
      {"LUX.c5", {0.0, 0.0, 0.0, NAN, NAN, 1.0, 1.0, NAN, NAN}, 1, 1},
      {"RoW.c20", {52499.0, 6284.158977162254, 8725.112934083161, 0.28589633919208773, 0.04068571218287877, 1.851351569817609, 1.7557401763764524, 0.0932638297846271, 0.12571277248943624}, 0, 0},
  };
  static const char *const cols[9] = {"E", "FV", "IV", "participation", "position", "upstreamness",
                                      "downstreamness", "wwyz_forward", "wwyz_backward"};
  char zi[1024], fi[1024], xo[1024];
  snprintf(zi, sizeof zi, "%s", cn_test_path(cn_test_data(), "wiod-2011/inter.csv"));
  snprintf(fi, sizeof fi, "%s", cn_test_path(cn_test_data(), "wiod-2011/final.csv"));
  snprintf(xo, sizeof xo, "%s", cn_test_path(cn_test_data(), "wiod-2011/output.csv"));
  cn_icio *io = NULL;
  cn_table *t = NULL;
  cn_diag d;
  cn_icio_gvc_info info;
  CHECK_STATUS(cn_icio_read(zi, fi, xo, NULL, &io, &d), CN_OK, &d);
  if (!io) return;
  CHECK_INT(io->n, 1435);
  CHECK_INT(io->ncountry, 41);
  CHECK_STATUS(cn_icio_gvc(io, "c42", &t, &info, &d), CN_OK, &d);
  if (t) {
    CHECK_INT(info.n_output_nonpos, 22);
    CHECK_INT(info.n_inv_nonpos, 22);
    CHECK_INT(info.n_inventory_cols, 41);
    for (size_t k = 0; k < sizeof want / sizeof *want; k++) {
      int64_t i = 0;
      while (i < io->n && strcmp(io->label[i], want[k].label)) i++;
      CHECK(i < io->n);
      if (i == io->n) continue;
      for (int c = 0; c < 9; c++) CHECK_NEAR(col(t, cols[c], i), want[k].v[c], 1e-9);
      CHECK_INT(col(t, "flag_output", i), want[k].fo);
      CHECK_INT(col(t, "flag_inventory", i), want[k].fi);
    }
  }
  cn_table_free(t);
  t = NULL;
  /* θ for China: c19 has output 0 (flagged, missing) */
  CHECK_STATUS(cn_icio_theta(io, "CHN", NULL, &t, NULL, &d), CN_OK, &d);
  if (t) {
    CHECK_INT(cn_table_nrow(t), 35);
    CHECK_NEAR(col(t, "theta1", 0), 0.12495630642961199, 1e-9);
    CHECK_NEAR(col(t, "theta2", 0), 0.01904476731233895, 1e-9);
    CHECK_NEAR(col(t, "theta1", 13), 0.23781716451778975, 1e-9);
    CHECK_NEAR(col(t, "theta2", 13), 0.06357142402479954, 1e-9);
    CHECK(isnan(col(t, "theta1", 18)));
    CHECK_INT(col(t, "flag_output", 18), 1);
  }
  cn_table_free(t);
  cn_icio_free(io);
}
