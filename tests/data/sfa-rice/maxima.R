# The maxima of the published likelihoods, written out here in R
# independently of coinnet's C code, maximized by Newton steps with
# numDeriv's Richardson-extrapolated gradient and Hessian (numDeriv
# 2016.8-1.1, Debian r-cran-numderiv) from R frontier's estimates (tests/data/sfa-rice/frontier.out), because
# FRONTIER's own stopping rule (DFP, tol 1e-5) leaves its estimates
# ~1e-6 (EG1) to ~1e-4 (BC95's weak deltas) from the maximum. Run from the
# repository's root:
#   R_LIBS=/work/rlib Rscript tests/data/sfa-rice/maxima.R > tests/data/sfa-rice/maxima.out
p <- function(tag, v) cat(tag, sprintf("%.15g", v), "\n")
suppressMessages(library(numDeriv))
# Newton in (beta, ..., log sigma2, logit gamma, ...): the same maximum,
# better conditioned near gamma = 1; js2, jg: where sigma2 and gamma are
fit <- function(tag, ll0, q0, js2, jg) {
  to <- function(q) { q[js2] <- log(q[js2]); q[jg] <- qlogis(q[jg]); q }
  from <- function(q) { q[js2] <- exp(q[js2]); q[jg] <- plogis(q[jg]); q }
  ll <- function(q) ll0(from(q))
  q <- to(q0)
  for (it in 1:100) {
    g <- grad(ll, q); H <- hessian(ll, q)
    s <- solve(-H, g); t <- 1
    while (ll(q + t * s) < ll(q) && t > 1e-10) t <- t / 2
    q <- q + t * s
    if (max(abs(t * s) / pmax(1, abs(q))) < 1e-13) break
  }
  q <- from(q)
  p(paste(tag, "coef"), q); p(paste(tag, "ll"), ll0(q)); p(paste(tag, "grad"), grad(ll0, q))
  p(paste(tag, "se"), sqrt(diag(solve(-hessian(ll0, q)))))
  q
}
# ALS half-normal (Aigner, Lovell & Schmidt 1977) in sigma2, gamma
d <- read.csv("tests/data/sfa-coelli/front41.csv")
y <- log(d$output); X <- cbind(1, log(d$capital), log(d$labour))
als <- function(q) {
  b <- q[1:3]; s2 <- q[4]; g <- q[5]
  if (s2 <= 0 || g <= 0 || g >= 1) return(-1e10)
  e <- y - X %*% b; lam <- sqrt(g / (1 - g))
  sum(log(2) - 0.5 * log(2 * pi * s2) - e^2 / (2 * s2) + pnorm(-e * lam / sqrt(s2), log.p = TRUE))
}
q <- fit("eg1", als, c(0.5616, 0.2811, 0.5365, 0.217, 0.7972), 4, 5)
# TE = E[exp(-u)|e] (Jondrow et al. / Battese & Coelli 1988)
e <- y - X %*% q[1:3]; s2 <- q[4]; g <- q[5]
mus <- -g * e; ss <- sqrt(g * (1 - g) * s2)
p("eg1 te", exp(-mus + ss^2 / 2) * pnorm(mus / ss - ss) / pnorm(mus / ss))
# Battese & Coelli (1995), riceProdPhil
r <- read.csv("tests/data/sfa-rice/rice.csv")
y <- log(r$PROD); X <- cbind(1, log(r$AREA), log(r$LABOR), log(r$NPK)); Z <- cbind(1, r$EDYRS, r$BANRAT)
bc95 <- function(q) {
  b <- q[1:4]; dl <- q[5:7]; s2 <- q[8]; g <- q[9]
  if (s2 <= 0 || g <= 0 || g >= 1) return(-1e10)
  e <- y - X %*% b; mu <- Z %*% dl; su2 <- g * s2; sv2 <- (1 - g) * s2
  mus <- (sv2 * mu - su2 * e) / s2; ss <- sqrt(sv2 * su2 / s2)
  sum(-0.5 * log(2 * pi * s2) - 0.5 * (e + mu)^2 / s2 + pnorm(mus / ss, log.p = TRUE) -
      pnorm(mu / sqrt(su2), log.p = TRUE))
}
q <- fit("bc95", bc95, c(-1.0518, 0.37976, 0.32103, 0.26380, -2.746, -0.02858, -3.635, 1.6663, 0.9788), 8, 9)
e <- y - X %*% q[1:4]; mu <- Z %*% q[5:7]; s2 <- q[8]; g <- q[9]
mus <- (1 - g) * mu - g * e; ss <- sqrt(g * (1 - g) * s2)
p("bc95 te", exp(-mus + ss^2 / 2) * pnorm(mus / ss - ss) / pnorm(mus / ss))
# Battese & Coelli (1992), truncated normal, time-varying eta; T = 8
f <- r$FMERCODE; tt <- r$YEARDUM - max(r$YEARDUM)
bc92 <- function(q) {
  b <- q[1:4]; s2 <- q[5]; g <- q[6]; m <- q[7]; eta <- q[8]
  if (s2 <= 0 || g <= 0 || g >= 1) return(-1e10)
  e <- as.vector(y - X %*% b); h <- exp(-eta * tt); su2 <- g * s2; sv2 <- (1 - g) * s2
  A <- tapply(h^2, f, sum); B <- tapply(h * e, f, sum); E <- tapply(e^2, f, sum); Ti <- tapply(e, f, length)
  Dn <- sv2 + su2 * A; mus <- (m * sv2 - su2 * B) / Dn; ss <- sqrt(sv2 * su2 / Dn)
  sum(-0.5 * Ti * log(2 * pi) - 0.5 * (Ti - 1) * log(sv2) - 0.5 * log(Dn) - 0.5 * E / sv2 +
      0.5 * (mus / ss)^2 + pnorm(mus / ss, log.p = TRUE) - 0.5 * m^2 / su2 - pnorm(m / sqrt(su2), log.p = TRUE))
}
q <- fit("bc92", bc92, c(-0.75015, 0.47617, 0.29847, 0.19612, 0.17216, 0.52368, -0.31732, 0.064724), 5, 6)
