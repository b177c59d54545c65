# tests/data/gen/prodfn_prodest_op.R — reference numbers for `coinnet
# measure prodfn --method op [--survival]` (tests/cli/measure/
# prodfn-op-*.case) on R prodest 0.1.1's `chilean` data
# (tests/data/prodfn/chilean.csv, written by prodfn_prodest.R).
# Run: R_LIBS=/work/rlib-prodest Rscript tests/data/gen/prodfn_prodest_op.R > tests/data/prodfn/prodest_op.out
# (prodest 0.1.1 built from its public source, see prodfn_prodest_wrdg.R;
# numDeriv from Debian's r-cran-numderiv).
#
# - prodestOP as shipped fails on chilean ("arguments imply differing number
#   of rows: 2544, 0": it matches rownames(poly(...)), which are NULL), so
#   the data matrix it means to build is built here and prodest's own
#   finalOPLP is called on it.
# - Plain OP: prodest's prodestOP (value added on fX1, fX2 free, sX state,
#   investment inv the proxy, G = 3, A = 3) from the first stage's
#   coefficient (theta0, prodest's start without its rnorm noise); its BFGS
#   stop is then polished to the minimum of its criterion gOPLP (the law of
#   motion fitted by QR, the same formula) by Newton steps on numDeriv's
#   gradient and Hessian, as prodfn_prodest.R does for LP.
# - Survival (prodest 0.1.1 in R has no survival correction; Stata prodest's
#   `attrition` has one, a logit of exit): written out here. chi_it = 1 when
#   firm i has a row at t + 1, 0 when not, for t below the sample's last
#   year; a probit (glm, binomial(link = "probit")) of chi on a constant
#   and poly(sX, inv, degree = 3, raw = TRUE) gives P_it on every row; the
#   second stage is gOPLP with the law of motion's regressors every
#   monomial of total degree <= A of (omega_{t-1}, P_{t-1}) (A = 3: Stata's
#   ten columns 1, w, w^2, w^3, P, P^2, P^3, Pw, P^2w, Pw^2), minimised by
#   optim (BFGS) from the first stage's coefficient, then Newton steps.
suppressMessages(library(prodest))
suppressMessages(library(numDeriv))
data("chilean", package = "prodest")
p <- function(lab, x) cat(lab, sprintf("%.12g", x), "\n")
polish <- function(fn, th) {
  for (r in 1:30) {
    g <- grad(fn, th); H <- hessian(fn, th)
    step <- solve(H, g)
    th <- th - step
    if (max(abs(step) / (1 + abs(th))) < 1e-12) break
  }
  list(par = th, value = fn(th), gradient = grad(fn, th))
}
lagp <- function(v) prodest:::lagPanel(idvar = d$idvar, timevar = d$timevar, value = v)
fX <- cbind(d$fX1, d$fX2)
poly3 <- poly(cbind(d$sX, d$inv), degree = 3, raw = TRUE)
fs <- lm(d$Y ~ fX + poly3)
bf <- coef(fs)[2:3]
th0 <- unname(coef(fs)[4]) # the first stage's coefficient of sX (poly3's first column)
phi <- fitted(fs) - fX %*% bf
res <- d$Y - fX %*% bf
lphi <- lagp(phi); lk <- lagp(d$sX)
ok <- !is.na(lphi) & !is.na(lk)
p("op start", th0)
p("op first stage b", bf)
for (A in c(3, 1)) {
  # prodestOP's own data matrix (its regvars with the row match fixed) and its finalOPLP
  dm <- suppressWarnings(as.matrix(data.frame(state = d$sX, lag.sX = lk, free = fX, Y = d$Y, idvar = d$idvar,
                                              timevar = d$timevar, regvars = cbind(fX, d$sX, d$inv, poly3))))
  fit <- prodest:::finalOPLP(ind = TRUE, data = dm, fnum = 2, snum = 1, cnum = 0, opt = "optim", theta0 = th0,
                             boot = FALSE, tol = 1e-100, A = A)
  b <- fit$betas
  p(paste0("op A", A, " prodest convergence"), fit$opt.outcome$convergence)
  p(paste0("op A", A, " prodest b"), b)
  gq <- function(th) {
    Om <- phi[ok] - d$sX[ok] * th; Oml <- lphi[ok] - lk[ok] * th
    P <- cbind(1, poly(Oml, degree = A, raw = TRUE))
    as.numeric(crossprod(res[ok] - d$sX[ok] * th - P %*% qr.coef(qr(P), Om)))
  }
  o <- polish(gq, b[3])
  p(paste0("op A", A, " polished b"), c(b[1:2], o$par))
  p(paste0("op A", A, " polished objective"), o$value)
  p(paste0("op A", A, " polished gradient"), o$gradient)
}
## survival
key <- paste(d$idvar, d$timevar)
nxt <- paste(d$idvar, d$timevar + 1) %in% key
chi <- ifelse(d$timevar < max(d$timevar), as.numeric(nxt), NA)
p("survival rows, exits", c(sum(!is.na(chi)), sum(chi == 0, na.rm = TRUE)))
pr <- glm(chi ~ poly3, family = binomial(link = "probit"), control = glm.control(epsilon = 1e-14, maxit = 100))
P <- as.numeric(pnorm(cbind(1, poly3) %*% coef(pr)))
p("survival probit b", coef(pr))
p("survival P 1:3", P[1:3])
lP <- lagp(P)
for (A in c(3, 1)) {
  gs <- function(th) {
    Om <- phi[ok] - d$sX[ok] * th; Oml <- lphi[ok] - lk[ok] * th
    Q <- cbind(1, poly(cbind(Oml, lP[ok]), degree = A, raw = TRUE))
    as.numeric(crossprod(res[ok] - d$sX[ok] * th - Q %*% qr.coef(qr(Q), Om)))
  }
  o1 <- optim(th0, gs, method = "BFGS")
  o <- polish(gs, o1$par)
  p(paste0("op survival A", A, " BFGS b"), o1$par)
  p(paste0("op survival A", A, " polished b"), c(bf, o$par))
  p(paste0("op survival A", A, " polished objective"), o$value)
  p(paste0("op survival A", A, " polished gradient"), o$gradient)
}
p("nobs second stage", sum(ok))
