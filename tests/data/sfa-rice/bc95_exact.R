# Battese & Coelli (1995) on riceProdPhil with an exact Hessian: the
# per-observation log likelihood written out as an R formula and
# differentiated symbolically by R's deriv() (gradient and Hessian, no
# finite differences), Newton steps from R frontier's estimates to the
# maximum, then SEs from the inverse of the negative Hessian there. The
# numerical Hessian of maxima.R is unreliable here (condition number 3e7:
# numDeriv's default step even gives a negative variance for gamma).
# Run from the repository's root (base R only):
#   Rscript tests/data/sfa-rice/bc95_exact.R > tests/data/sfa-rice/bc95_exact.out
r <- read.csv("tests/data/sfa-rice/rice.csv")
nm <- c("b0", "b1", "b2", "b3", "d0", "d1", "d2", "s2", "g")
f <- deriv(~ -0.5 * log(2 * pi * s2) - 0.5 * ((ly - b0 - b1*la - b2*lb - b3*ln) + (d0 + d1*ed + d2*ban))^2 / s2 +
             log(pnorm(((1 - g) * (d0 + d1*ed + d2*ban) - g * (ly - b0 - b1*la - b2*lb - b3*ln)) /
                       sqrt(g * (1 - g) * s2))) -
             log(pnorm((d0 + d1*ed + d2*ban) / sqrt(g * s2))),
           nm, function.arg = c(nm, "ly", "la", "lb", "ln", "ed", "ban"), hessian = TRUE)
dat <- list(ly = log(r$PROD), la = log(r$AREA), lb = log(r$LABOR), ln = log(r$NPK), ed = r$EDYRS, ban = r$BANRAT)
eval_at <- function(q) {
  v <- do.call(f, c(as.list(setNames(q, nm)), dat))
  list(ll = sum(v), g = colSums(attr(v, "gradient")), H = apply(attr(v, "hessian"), c(2, 3), sum))
}
# R frontier 1.1-8's estimates (frontier.out, "bc95 coef"), in this order
q <- c(-1.05180182609016, 0.379756644488652, 0.321033011728226, 0.263802350751819,
       -2.74601670004486, -0.0285818536287904, -3.63497564650796, 1.66631305430835, 0.978795416147619)
for (it in 1:50) {
  e <- eval_at(q)
  s <- solve(-e$H, e$g)
  q <- q + s
  if (max(abs(s) / pmax(1, abs(q))) < 1e-14) break
}
e <- eval_at(q)
p <- function(tag, v) cat(tag, sprintf("%.15g", v), "\n")
p("bc95 coef", q)
p("bc95 ll", e$ll)
p("bc95 grad", e$g)
p("bc95 se", sqrt(diag(solve(-e$H))))
