# tests/data/gen/ml_reference.R — reference numbers for tests/unit/test_ml.c.
# Run: Rscript tests/data/gen/ml_reference.R (Debian r-cran-aer, r-cran-sandwich).
# Tobit by AER::tobit (survival::survreg, Log(scale) = ln sigma); robust and
# cluster variances as Stata's ML convention: sandwich (HC0) × N/(N−1), or the
# clustered meat × G/(G−1) (sandwich::vcovCL with cadjust = TRUE, type HC0).
# Also writes tests/data/ml/affairs.csv.
suppressMessages({library(AER); library(sandwich)})
data(Affairs)
write.csv(Affairs, "tests/data/ml/affairs.csv", row.names = FALSE)
p <- function(lab, x) cat(lab, sprintf("%.15g", x), "\n")
f <- affairs ~ age + yearsmarried + religiousness + occupation + rating
t1 <- tobit(f, left = 0, data = Affairs)
p("tobit1 b", coef(t1)); p("tobit1 lnsigma", log(t1$scale))
p("tobit1 se", sqrt(diag(vcov(t1)))); p("tobit1 ll", logLik(t1))
N <- nrow(Affairs)
p("tobit1 robust se", sqrt(diag(sandwich(t1) * N / (N - 1))))
t0 <- tobit(affairs ~ 1, left = 0, data = Affairs)
p("tobit1 ll0", logLik(t0))
t2 <- tobit(f, left = 0, right = 4, data = Affairs)
p("tobit2 b", coef(t2)); p("tobit2 lnsigma", log(t2$scale)); p("tobit2 se", sqrt(diag(vcov(t2))))
p("tobit2 ll", logLik(t2))
# cluster by occupation (7 groups), Stata: G/(G-1) on the summed scores
V <- vcovCL(t1, cluster = ~occupation, type = "HC0", cadjust = TRUE)
p("tobit1 cluster occupation se", sqrt(diag(V)))
