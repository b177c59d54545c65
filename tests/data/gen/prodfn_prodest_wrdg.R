# tests/data/gen/prodfn_prodest_wrdg.R — reference numbers for `coinnet
# measure prodfn --method wrdg` (tests/cli/measure/prodfn-wrdg-*.case) on R
# prodest 0.1.1's `chilean` data (tests/data/prodfn/chilean.csv, written by
# prodfn_prodest.R).
# Run: R_LIBS=/work/rlib-prodest Rscript tests/data/gen/prodfn_prodest_wrdg.R > tests/data/prodfn/prodest_wrdg.out
# (prodest 0.1.1 built from github.com/GabrieleRovigatti/prodest with R CMD
# build / R CMD INSTALL; Debian's r-cran-dplyr, r-cran-matrix, r-cran-rsolnp,
# r-cran-deoptim).
#
# What is run, and why (docs/measures.md "Production functions"):
# - prodestWRDG and prodestWRDG_GMM as shipped fail on chilean ("system is
#   exactly singular"): their first equation has the state input twice
#   (sX beside poly(sX, pX), which contains sX; prodestWRDG_GMM also pX) and
#   Z1 = X1, so Z'Z is singular. Both errors are printed below.
# - prodest's own criterion gWRDG and weighting weightM are then called on
#   the system without the duplicates, Wooldridge's (2009) form: eq1
#   y = a0 + fX'b + C'l (C = the monomials of degree 1..3 of sX, pX, so the
#   state's coefficient is not restricted in eq1), instruments Z1 = X1;
#   eq2 y = a0 + e0 + fX'b + sX'g + CL'r (CL = C lagged), instruments
#   Z2 = (1, lagged fX, sX, CL); gWRDG's numR = the columns shared by the
#   equations (1, fX). prodestWRDG's two BFGS runs (the first with its
#   default W, the second with weightM's W*) are repeated from prodest's
#   random start (set.seed(123456); runif).
# - The criterion is quadratic in the parameters and W* = W / (u'u)
#   (weightM multiplies Z'Z by the pooled residual sum of squares), so both
#   steps have the same minimum: the linear GMM estimator
#   (X'Z W Z'X)^-1 X'Z W Z'y, W = bdiag((Z1'Z1)^-1, (Z2'Z2)^-1), computed
#   here with solve() on QR-orthonormalised instruments (Z = QR: X'Z W Z'X =
#   (Q'X)'(Q'X) blockwise). BFGS stops within 1e-8 of it (printed, with
#   prodest's criterion at both points); the goldens hold the exact
#   minimum. The criterion printed is M'WM / n (M = Z'u, sums)
#   with W = bdiag((Z1'Z1)^-1, (Z2'Z2)^-1), coinnet's scale.
suppressMessages(library(prodest))
suppressMessages(library(Matrix))
data("chilean", package = "prodest")
d$grp <- ifelse(d$idvar %% 2 == 0, "even", "odd")
p <- function(lab, x) cat(lab, sprintf("%.12g", x), "\n")
fX <- cbind(d$fX1, d$fX2)
e1 <- try(prodestWRDG(d$Y, fX = fX, d$sX, d$pX, d$idvar, d$timevar, R = 2), silent = TRUE)
cat("prodestWRDG as shipped:", if (inherits(e1, "try-error")) conditionMessage(attr(e1, "condition")) else "ran", "\n")
e2 <- try(prodestWRDG_GMM(d$Y, fX = fX, d$sX, d$pX, d$idvar, d$timevar), silent = TRUE)
cat("prodestWRDG_GMM as shipped:", if (inherits(e2, "try-error")) conditionMessage(attr(e2, "condition")) else "ran", "\n")

lagp <- function(dd, v) prodest:::lagPanel(value = v, idvar = dd$idvar, timevar = dd$timevar)
# the two equations' data on the rows with the previous period.
# F: free terms at t; FL: their instruments (free inputs lagged); S: state-only terms at t
wrdg_data <- function(dd, F, FL, S, G = 3) {
  C <- poly(cbind(dd$sX, dd$pX), degree = G, raw = TRUE)
  CL <- apply(C, 2, function(v) lagp(dd, v))
  ok <- complete.cases(cbind(FL, CL))
  list(y = dd$Y[ok], F = F[ok, , drop = FALSE], FL = FL[ok, , drop = FALSE], S = S[ok, , drop = FALSE],
       C = C[ok, , drop = FALSE], CL = CL[ok, , drop = FALSE], n = sum(ok), Call = C)
}
# the exact minimum: theta = (a0, b, l, e0 + a0 -> eta, g, r) by the GMM formula
wrdg_exact <- function(w) {
  n <- w$n; nF <- ncol(w$F); nS <- ncol(w$S); nc <- ncol(w$C)
  X1 <- cbind(1, w$F, w$C); Z1 <- X1
  X2 <- cbind(w$F, 1, w$S, w$CL); Z2 <- cbind(1, w$FL, w$S, w$CL)
  P <- 1 + nF + nc + 1 + nS + nc
  XA <- matrix(0, n, P); XA[, 1:(1 + nF + nc)] <- X1
  XB <- matrix(0, n, P); XB[, 2:(1 + nF)] <- w$F; XB[, (2 + nF + nc):P] <- cbind(1, w$S, w$CL)
  Q1 <- qr.Q(qr(Z1)); Q2 <- qr.Q(qr(Z2))
  A <- crossprod(crossprod(Q1, XA)) + crossprod(crossprod(Q2, XB))
  b <- crossprod(crossprod(Q1, XA), crossprod(Q1, w$y)) + crossprod(crossprod(Q2, XB), crossprod(Q2, w$y))
  th <- solve(A, b)
  u1 <- w$y - XA %*% th; u2 <- w$y - XB %*% th
  crit <- (sum(crossprod(Q1, u1)^2) + sum(crossprod(Q2, u2)^2)) / n
  list(th = as.numeric(th), b = c(th[2:(1 + nF)], th[(3 + nF + nc):(2 + nF + nc + nS)]), crit = crit,
       a0 = th[1], lam = th[(2 + nF):(1 + nF + nc)], nF = nF)
}
wrdg_run <- function(dd, fXm, lab, prodest_opt = TRUE) {
  FL <- apply(fXm, 2, function(v) lagp(dd, v))
  w <- wrdg_data(dd, fXm, FL, as.matrix(dd$sX))
  ex <- wrdg_exact(w)
  p(paste(lab, "nobs"), w$n)
  if (prodest_opt) {
    fnum <- ncol(fXm)
    X1 <- cbind(1, w$F, w$C); Z1 <- X1
    X2 <- cbind(1, w$F, w$S, 1, w$CL); Z2 <- cbind(1, w$FL, w$S, w$CL)
    set.seed(123456)
    th0 <- runif(ncol(X1) + 1 + 1 + ncol(w$CL))
    b1 <- optim(th0, prodest:::gWRDG, method = "BFGS", Y = w$y, X1 = X1, X2 = X2, Z1 = Z1, Z2 = Z2, numR = fnum)
    Ws <- prodest:::weightM(Y = w$y, X1 = X1, X2 = X2, Z1 = Z1, Z2 = Z2, betas = b1$par, numR = fnum + 1)
    b2 <- optim(b1$par, prodest:::gWRDG, method = "BFGS", Y = w$y, X1 = X1, X2 = X2, Z1 = Z1, Z2 = Z2,
                numR = fnum, W = Ws)
    k1 <- ncol(X1)
    p(paste(lab, "prodest BFGS b"), c(b2$par[2:(1 + fnum)], b2$par[k1 + 1]))
    p(paste(lab, "prodest BFGS convergence"), b2$convergence)
    # prodest's criterion (its W*) at BFGS's stop and at the exact minimum, in the same layout
    thx <- c(ex$th[1:k1], ex$th[k1 + 2], ex$th[k1 + 1] - ex$th[1], ex$th[(k1 + 3):length(ex$th)])
    p(paste(lab, "prodest criterion at BFGS, at the exact minimum"),
      c(prodest:::gWRDG(b2$par, w$y, X1, X2, Z1, Z2, fnum, Ws), prodest:::gWRDG(thx, w$y, X1, X2, Z1, Z2, fnum, Ws)))
  }
  p(paste(lab, "exact b"), ex$b)
  p(paste(lab, "exact criterion"), ex$crit)
  # phi = a0 + F'b + C'l on every row, eps = Y - phi, omega = phi - x'b (rows 1:3)
  phi <- ex$a0 + fXm %*% ex$b[1:ncol(fXm)] + w$Call %*% ex$lam
  p(paste(lab, "phi 1:3"), phi[1:3]); p(paste(lab, "eps 1:3"), d$Y[1:3] - phi[1:3])
  p(paste(lab, "omega 1:3"), (phi - fXm %*% ex$b[1:ncol(fXm)] - dd$sX * ex$b[ncol(fXm) + 1])[1:3])
}
wrdg_run(d, fX, "wrdg cd fX1,fX2")
wrdg_run(d, as.matrix(d$fX2), "wrdg cd fX2")
for (gname in c("even", "odd")) {
  dg <- d[d$grp == gname, ]
  wrdg_run(dg, cbind(dg$fX1, dg$fX2), paste("wrdg cd", gname), FALSE)
}
## translog (prodest has none): free terms fX2, fX2^2, fX2*sX (instruments
## with fX2 lagged), state-only terms sX, sX^2 (in C in eq1)
local({
  l <- d$fX2; k <- d$sX; ll <- lagp(d, l)
  w <- wrdg_data(d, cbind(l, l^2, l * k), cbind(ll, ll^2, ll * k), cbind(k, k^2))
  ex <- wrdg_exact(w)
  p("wrdg tl fX2 exact b (fX2, fX2^2, fX2*sX, sX, sX^2)", ex$b)
  p("wrdg tl fX2 exact criterion", ex$crit)
})
