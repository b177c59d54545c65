# Expected values for `coinnet measure malmquist --ref sequential|global`
# from R deaR 1.5.3 (cran/deaR source, R CMD INSTALL into a local library;
# its optional imports writexl and optiSolve replaced by empty stand-ins,
# unused by malmquist_index). Data: deaR's EconomyLong (31 Chinese
# provinces, 2005-2009, capital and labour -> gross industrial output
# value; Wang & Lan 2011), written to economy.csv. Run from the root:
#   R_LIBS=/work/rlib Rscript tests/data/dea/malmquist_deaR.R
# It writes tests/data/dea/economy.csv and the golden cases
# tests/cli/measure/malmquist_<case>.case: coinnet's command and deaR's
# numbers in coinnet's column layout (17 significant digits; deaR's lpSolve
# solutions agree with coinnet's GLPK ones to about 2e-12, the case allows
# 1e-9).
suppressMessages(library(deaR))
data(EconomyLong)
d <- EconomyLong
names(d) <- c("province", "year", "capital", "labor", "giov")
d$province <- as.character(d$province)
write.csv(d, "tests/data/dea/economy.csv", row.names = FALSE, quote = FALSE)
dl <- make_malmquist(EconomyLong, percol = 2, arrangement = "vertical", inputs = 3:4, outputs = 5)
per <- sort(unique(d$year))
units <- unique(d$province)
nt <- length(per)

# one output table: rows by unit then period pair
layout <- function(cols) {
  rows <- list()
  for (i in seq_along(units))
    for (t in 1:(nt - 1)) {
      r <- data.frame(province = units[i], period0 = per[t], period1 = per[t + 1])
      for (nm in names(cols)) r[[nm]] <- cols[[nm]][t, i]
      rows[[length(rows) + 1]] <- r
    }
  do.call(rbind, rows)
}
lead <- function(e) e[-1, , drop = FALSE]
lag0 <- function(e) e[-nt, , drop = FALSE]
out <- function(tab, name, opts, what) {
  for (nm in names(tab)[-(1:3)]) tab[[nm]] <- sprintf("%.17g", tab[[nm]])
  f <- file(sprintf("tests/cli/measure/malmquist_%s.case", name), "w")
  writeLines(c(sprintf("# %s: R deaR 1.5.3 malmquist_index on its EconomyLong data", what),
               "# (made by tests/data/dea/malmquist_deaR.R; do not edit by hand).",
               paste0("cmd: coinnet measure malmquist $DATA/dea/economy.csv --inputs capital,labor \\\n",
                      "  --outputs giov --dmu province --time year ", opts),
               "tol: 1e-9", "--- stdout"), f)
  write.csv(tab, f, row.names = FALSE, quote = FALSE)
  close(f)
}
run <- function(type1, rts, orient) malmquist_index(dl, orientation = orient, rts = rts, type1 = type1, type2 = "fgnz")
dist <- function(e, orient) e  # deaR's eff_all already holds 1/phi under "oo"

# sequential, CRS, input, with the scale decomposition (pec from the VRS
# scores to the same sequential frontiers)
r <- run("seq", "crs", "io"); rv <- run("seq", "vrs", "io")
e <- r$eff_all
pec <- lead(rv$eff_all$efficiency.vrs) / lag0(rv$eff_all$efficiency.vrs)
out(layout(list(m = r$mi, ec = r$ec, tc = r$tc, pec = pec, sec = r$ec / pec,
                d00 = lag0(e$efficiency.crs), d11 = lead(e$efficiency.crs),
                d01 = e$efficiency_t_t1.crs, d10 = e$efficiency_t1_t.crs)),
    "seq_in_scale", "--ref sequential --scale",
    "sequential, CRS, input, scale decomposition (type1 seq, type2 fgnz; pec from rts vrs)")
stopifnot(max(abs(rv$pech * rv$sech - r$ec)) < 1e-12)

# sequential, CRS, output
r <- run("seq", "crs", "oo"); e <- r$eff_all
out(layout(list(m = r$mi, ec = r$ec, tc = r$tc,
                d00 = lag0(dist(e$efficiency.crs, "oo")), d11 = lead(dist(e$efficiency.crs, "oo")),
                d01 = dist(e$efficiency_t_t1.crs, "oo"), d10 = dist(e$efficiency_t1_t.crs, "oo"))),
    "seq_out", "--ref sequential --orient out", "sequential, CRS, output (type1 seq, type2 fgnz)")

# global, CRS, input, with pec from the contemporaneous VRS scores
r <- run("glob", "crs", "io"); e <- r$eff_all
pec <- lead(e$efficiency.vrs) / lag0(e$efficiency.vrs)
out(layout(list(m = r$mi, ec = r$ec, tc = r$tc, pec = pec, sec = r$ec / pec,
                d00 = lag0(e$efficiency.crs), d11 = lead(e$efficiency.crs),
                dg0 = lag0(e$efficiency.glob.crs), dg1 = lead(e$efficiency.glob.crs))),
    "glob_in_scale", "--ref global --scale",
    "global, CRS, input, scale decomposition (type1 glob; pec from its contemporaneous VRS scores)")

# global, VRS, output: coinnet's m is the ratio of global VRS distances,
# ec the contemporaneous VRS ratio (deaR's pech) and tc deaR's tc
r <- run("glob", "vrs", "oo"); e <- r$eff_all
gv <- dist(e$efficiency.glob.vrs, "oo"); v <- dist(e$efficiency.vrs, "oo")
stopifnot(max(abs(r$tc * r$pech - lead(gv) / lag0(gv))) < 1e-12)
out(layout(list(m = lead(gv) / lag0(gv), ec = r$pech, tc = r$tc,
                d00 = lag0(v), d11 = lead(v), dg0 = lag0(gv), dg1 = lead(gv))),
    "glob_vrs_out", "--ref global --rts vrs --orient out",
    "global, VRS, output (type1 glob rts vrs: m = ratio of global VRS distances, ec = pech)")
