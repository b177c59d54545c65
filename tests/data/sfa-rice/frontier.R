# Expected values for tests/unit/test_sfa.c from R frontier 1.1-8 (Coelli &
# Henningsen; cran/frontier source at commit 91725b1e, built with
# R CMD INSTALL into a local library), run from the repository's root:
#   R_LIBS=/work/rlib Rscript tests/data/sfa-rice/frontier.R > tests/data/sfa-rice/frontier.out
# It also wrote tests/data/sfa-rice/rice.csv (the package's riceProdPhil).
suppressMessages({library(frontier); library(plm)})
data(riceProdPhil)
if (!file.exists("tests/data/sfa-rice/rice.csv"))
  write.csv(riceProdPhil[, c("FMERCODE", "YEARDUM", "PROD", "AREA", "LABOR", "NPK", "EDYRS", "BANRAT")],
            "tests/data/sfa-rice/rice.csv", row.names = FALSE)
rice <- pdata.frame(riceProdPhil, c("FMERCODE", "YEARDUM"))
p <- function(tag, v) cat(tag, sprintf("%.15g", v), "\n")
show <- function(tag, m) {
  p(paste(tag, "coef"), coef(m)); p(paste(tag, "se"), sqrt(diag(vcov(m))))
  p(paste(tag, "ll"), logLik(m)); p(paste(tag, "te"), efficiencies(m))
}
f <- log(PROD) ~ log(AREA) + log(LABOR) + log(NPK)
# tol: tighter than the default 1e-5, so that the numbers are the maximum
show("bc92", sfa(f, data = rice, truncNorm = TRUE, timeEffect = TRUE, tol = 1e-12))
show("bc95", sfa(log(PROD) ~ log(AREA) + log(LABOR) + log(NPK) | EDYRS + BANRAT, data = rice, tol = 1e-12))
show("bc92hn", sfa(f, data = rice, tol = 1e-12))
# Coelli's EG1 (front41Data), cross-section, half-normal, as FRONTIER 4.1
data(front41Data)
show("eg1", sfa(log(output) ~ log(capital) + log(labour), data = front41Data))
show("eg1tight", sfa(log(output) ~ log(capital) + log(labour), data = front41Data, tol = 1e-12))
show("eg1tn", sfa(log(output) ~ log(capital) + log(labour), data = front41Data, truncNorm = TRUE, tol = 1e-12))
show("eg1cost", sfa(log(output) ~ log(capital) + log(labour), data = front41Data, ineffDecrease = FALSE, tol = 1e-12))
