# tests/data/gen/iv_reference.R — reference numbers for tests/unit/test_iv.c.
# Run from the repository root: Rscript tests/data/gen/iv_reference.R
# (Debian r-cran-aer, r-cran-sandwich). Inputs: tests/data/iv/*.csv (see
# tests/data/iv/SOURCES.md).
#
# Second stage: AER::ivreg, fixed effects as explicit dummies (in both the
# regressors and the instruments), which is what partialling them out must
# reproduce. Variances: sandwich's HC0 / clustered meat (no adjustment) with
# ivreg2's `small` factors applied here as spec/econometrics.md §3 writes
# them: N/(N − K − sdof), or (N − 1)/(N − K − sdof) · G/(G − 1), K = slopes,
# sdof = df_a (the constant counts 1; a FE nested in the cluster counts 0).
# First stages: lm with the same factors (K = all instruments), F of the
# excluded block, partial R² = 1 − RSS/RSS(without the excluded).
# Kleibergen–Paap: ranktest's algorithm (spec §3, steps 1–7) in matrix code
# below; Cragg–Donald from stats::cancor (canonical correlations).
suppressMessages({library(AER); library(sandwich)})
p <- function(...) cat(sprintf(...), "\n")
f15 <- function(x) paste(sprintf("%.15g", x), collapse = " ")

msqrt <- function(A) { e <- eigen(A, symmetric = TRUE); e$vectors %*% diag(sqrt(pmax(e$values, 0)), nrow(A)) %*% t(e$vectors) }

# Kleibergen–Paap rk statistic of rank K-1 (ranktest, full): yh N×K, zh N×L
# partialled; vce "iid" (LM: V = I/N), "robust", "cluster" (cl: ids).
rk <- function(yh, zh, vce, cl = NULL, wald = FALSE) {
  N <- nrow(yh); K <- ncol(yh); L <- ncol(zh)
  Pi <- solve(crossprod(zh), crossprod(zh, yh))
  Ly <- t(chol(crossprod(yh))); Lz <- t(chol(crossprod(zh)))
  th <- t(Lz) %*% Pi %*% solve(t(Ly))
  s <- svd(th, nu = L, nv = K)
  U <- s$u; V <- s$v
  e <- if (wald) yh - zh %*% Pi else yh
  if (vce == "iid" && !wald) {
    vhat <- diag(K * L) / N
  } else {
    g <- do.call(cbind, lapply(1:K, function(a) e[, a] * zh))  # e_i ⊗ z_i
    if (vce == "robust") S <- crossprod(g) / N
    else { u <- rowsum(g, cl); S <- crossprod(u) / N }
    kr <- kronecker(solve(Ly), solve(Lz))
    vhat <- N * kr %*% S %*% t(kr)
  }
  u22 <- U[K:L, K:L, drop = FALSE]
  A <- U[, K:L, drop = FALSE] %*% solve(u22) %*% msqrt(u22 %*% t(u22))
  v22 <- V[K, K]
  B <- abs(v22) / v22 * t(V[, K, drop = FALSE])
  M <- kronecker(B, t(A))
  lam <- M %*% as.vector(th)
  Om <- M %*% vhat %*% t(M)
  list(stat = as.numeric(t(lam) %*% solve(Om, lam)), ev = s$d^2)
}

# One model: y, exogenous slopes Xex (N×k0, may have 0 cols), endogenous
# Xen, excluded Zin, FE/constant dummies Dm (full column rank, sdof columns
# counted as df_a), cluster ids cl (NULL), nested: FE columns not counted.
run <- function(tag, y, Xen, Xex, Zin, Dm, sdof, vce, cl = NULL) {
  N <- length(y); K1 <- ncol(Xen); k0 <- ncol(Xex); L1 <- ncol(Zin)
  k <- K1 + k0; L <- L1 + k0
  X <- cbind(Xen, Xex, Dm); Z <- cbind(Zin, Xex, Dm)
  fit <- ivreg(y ~ X - 1 | Z - 1)
  b <- coef(fit)[1:k]
  G <- if (is.null(cl)) NA else length(unique(cl))
  fac <- function(kk) if (vce == "cluster") (N - 1) / (N - kk - sdof) * G / (G - 1) else N / (N - kk - sdof)
  V <- switch(vce,
    iid = sum(resid(fit)^2) / (N - k - sdof) * solve(crossprod(fitted(lm(X ~ Z - 1)))),
    robust = vcovHC(fit, type = "HC0") * fac(k),
    cluster = vcovCL(fit, cluster = cl, type = "HC0", cadjust = FALSE) * fac(k))
  p("%s b %s", tag, f15(b))
  p("%s se %s", tag, f15(sqrt(diag(V))[1:k]))
  if (ncol(Dm) == 1 && all(Dm == 1)) p("%s cons b %s se %s", tag, f15(coef(fit)[k + 1]), f15(sqrt(V[k + 1, k + 1])))
  # first stages
  for (j in 1:K1) {
    f1 <- lm(Xen[, j] ~ Z - 1)
    Vf <- switch(vce, iid = vcov(f1), robust = vcovHC(f1, type = "HC0") * fac(L),
                 cluster = vcovCL(f1, cluster = cl, type = "HC0", cadjust = FALSE) * fac(L))
    bf <- coef(f1)[1:L1]
    Fst <- as.numeric(t(bf) %*% solve(Vf[1:L1, 1:L1, drop = FALSE], bf)) / L1
    r0 <- sum(resid(lm(Xen[, j] ~ cbind(Xex, Dm) - 1))^2)
    p("%s first %d b %s se %s F %s pr2 %s", tag, j, f15(coef(f1)[1:L]), f15(sqrt(diag(Vf))[1:L]),
      f15(Fst), f15(1 - sum(resid(f1)^2) / r0))
  }
  # identification: partial exogenous regressors and FE out
  W <- cbind(Xex, Dm)
  yh <- resid(lm(Xen ~ W - 1)); zh <- resid(lm(Zin ~ W - 1))
  yh <- matrix(yh, N); zh <- matrix(zh, N)
  cc <- cancor(yh, zh, xcenter = FALSE, ycenter = FALSE)$cor
  evmin <- min(cc)^2
  p("%s cd_f %s", tag, f15(evmin / (1 - evmin) * (N - sdof - L) / L1))
  lm_ <- tryCatch(rk(yh, zh, vce, cl)$stat, error = function(e) NaN)  # NaN: singular (ranktest: missing)
  p("%s kp_lm %s p %s", tag, f15(lm_), f15(pchisq(lm_, L1 - K1 + 1, lower.tail = FALSE)))
  if (vce == "iid") p("%s anderson N*evmin %s", tag, f15(N * evmin))
  if (vce != "iid") {
    w_ <- rk(yh, zh, vce, cl, wald = TRUE)$stat
    kpf <- if (vce == "cluster") w_ / (N - 1) * (N - L - sdof) * (G - 1) / G / L1 else w_ / N * (N - L - sdof) / L1
    p("%s kp_wald_f %s", tag, f15(kpf))
  }
}

h <- read.csv("tests/data/iv/housing.csv")
h$region <- factor(h$region, levels = c("N Cntrl", "NE", "South", "West"))
reg <- model.matrix(~ region, h)[, -1]
one <- matrix(1, nrow(h), 1)
none <- matrix(0, nrow(h), 0)
for (v in c("iid", "robust", "cluster"))
  run(paste0("housing-just-", v), h$rent, cbind(hsngval = h$hsngval), cbind(pcturban = h$pcturban),
      cbind(faminc = h$faminc), one, 1, v, if (v == "cluster") h$division)
for (v in c("iid", "robust", "cluster"))
  run(paste0("housing-over-", v), h$rent, cbind(hsngval = h$hsngval), cbind(pcturban = h$pcturban),
      cbind(faminc = h$faminc, reg), one, 1, v, if (v == "cluster") h$division)
run("housing-two-robust", h$rent, cbind(hsngval = h$hsngval), cbind(pcturban = h$pcturban),
    cbind(faminc = h$faminc, popden = h$popden), one, 1, "robust")

ft <- read.csv("tests/data/iv/Ftest.csv")
idd <- model.matrix(~ factor(id) - 1, ft)
n0 <- matrix(0, nrow(ft), 0)
# (with the id effects, robust is degenerate here: X1 and Z2 live in different ids)
run("ftest-robust", ft$Y, cbind(X1 = ft$X1, X2 = ft$X2), n0, cbind(Z1 = ft$Z1, Z2 = ft$Z2),
    matrix(1, nrow(ft), 1), 1, "robust")
run("ftest-fe-iid", ft$Y, cbind(X1 = ft$X1, X2 = ft$X2), n0, cbind(Z1 = ft$Z1, Z2 = ft$Z2), idd, 2, "iid")
run("ftest-over-iid", ft$Y, cbind(X1 = ft$X1, X2 = ft$X2), n0,
    cbind(Z1eps = ft$Z1eps, Z2eps = ft$Z2eps, Z = ft$Z), matrix(1, nrow(ft), 1), 1, "iid")

cg <- read.csv("tests/data/iv/Cigar.csv")
fe2 <- model.matrix(~ factor(State) + factor(Year), cg)  # 46 + 30 - 1 = 75 columns
for (v in c("iid", "robust"))
  run(paste0("cigar-2fe-", v), cg$Sales, cbind(Price = cg$Price), cbind(NDI = cg$NDI),
      cbind(Pimin = cg$Pimin), fe2, 75, v)
# clustered by State: State nested in the clusters (counts 0), Year 29
run("cigar-2fe-cluster", cg$Sales, cbind(Price = cg$Price), cbind(NDI = cg$NDI),
    cbind(Pimin = cg$Pimin), fe2, 29, "cluster", cg$State)
