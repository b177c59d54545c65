# tests/data/gen/model_reference.R — reference numbers for tests/unit/test_model.c.
# Run: Rscript tests/data/gen/model_reference.R  (Debian r-cran-plm, r-cran-sandwich,
# r-cran-lmtest). Writes tests/data/model/grunfeld.csv and prints the numbers
# that the unit tests hold, from lm() with explicit dummies (the least-squares
# dummy-variable regression that absorbing fixed effects must reproduce) and
# sandwich's meat; reghdfe's small-sample factors are applied as written in
# spec/econometrics.md §2.
suppressMessages({library(plm); library(sandwich)})
data(Grunfeld, package = "plm")
g <- Grunfeld
write.csv(g, "tests/data/model/grunfeld.csv", row.names = FALSE)
p <- function(...) cat(sprintf(...), "\n")
N <- nrow(g)
fit <- lm(inv ~ capital + factor(firm) + factor(year), data = g)
b <- coef(fit)["capital"]
k <- 1; dfa <- 10 + 20 - 1
p("grunfeld 2fe b %.15g", b)
p("grunfeld 2fe iid se %.15g df_r %d", sqrt(vcov(fit)["capital", "capital"]), fit$df.residual)
# robust: N/(N-k-df_a) * HC0
V0 <- vcovHC(fit, type = "HC0")["capital", "capital"]
p("grunfeld 2fe robust se %.15g", sqrt(V0 * N / (N - k - dfa)))
# cluster firm: firm FE nested in firm clusters: df_a = 19, nested_adj = 1
Vc <- vcovCL(fit, cluster = ~firm, type = "HC0", cadjust = FALSE)["capital", "capital"]
G <- 10
p("grunfeld 2fe cluster firm se %.15g", sqrt(Vc * (N - 1) / (N - 1 - k - 19) * G / (G - 1)))
# cluster year: year FE nested in year clusters; firm FE first (10 levels), year nested:
# df_a = 10, nested_adj = 1, G = 20
Vy <- vcovCL(fit, cluster = ~year, type = "HC0", cadjust = FALSE)["capital", "capital"]
p("grunfeld 2fe cluster year se %.15g", sqrt(Vy * (N - 1) / (N - 1 - k - 10) * 20 / 19))
# two-way firm and year (CGM): both FE nested, df_a = 0, G = min = 10
V2 <- vcovCL(fit, cluster = ~firm + year, type = "HC0", cadjust = FALSE, multi0 = FALSE)["capital", "capital"]
p("grunfeld 2fe cluster firm+year se %.15g", sqrt(V2 * (N - 1) / (N - 1 - k - 0) * 10 / 9))
# within R2
yt <- resid(lm(inv ~ factor(firm) + factor(year), data = g))
p("grunfeld 2fe r2_within %.15g r2 %.15g", 1 - sum(resid(fit)^2) / sum(yt^2), summary(fit)$r.squared)
# one FE, two regressors, robust
fit1 <- lm(inv ~ value + capital + factor(firm), data = g)
V1 <- vcovHC(fit1, type = "HC0")
p("grunfeld 1fe b %.15g %.15g", coef(fit1)["value"], coef(fit1)["capital"])
p("grunfeld 1fe robust se %.15g %.15g", sqrt(V1["value", "value"] * N / (N - 2 - 10)),
  sqrt(V1["capital", "capital"] * N / (N - 2 - 10)))
# no FE: plain OLS with robust (HC1) errors
fit0 <- lm(inv ~ value + capital, data = g)
p("grunfeld ols b %.15g %.15g %.15g", coef(fit0)[2], coef(fit0)[3], coef(fit0)[1])
p("grunfeld ols hc1 se %.15g %.15g %.15g", sqrt(diag(vcovHC(fit0, type = "HC1")))[2],
  sqrt(diag(vcovHC(fit0, type = "HC1")))[3], sqrt(diag(vcovHC(fit0, type = "HC1")))[1])
# weights (aweights = WLS): weight = capital share
fitw <- lm(inv ~ value + factor(firm) + factor(year), data = g, weights = capital)
p("grunfeld wls 2fe b %.15g iid se %.15g", coef(fitw)["value"], sqrt(vcov(fitw)["value", "value"]))
# lags across gaps: drop 1940 for firm 1 and use plm's lag (by time value)
h <- g[!(g$firm == 1 & g$year == 1940), ]
ph <- pdata.frame(h, index = c("firm", "year"))
h$Lvalue <- as.numeric(plm::lag(ph$value, 1))
fitl <- lm(inv ~ Lvalue + factor(firm) + factor(year), data = h)
p("grunfeld lag-gap 2fe b %.15g iid se %.15g nobs %d", coef(fitl)["Lvalue"],
  sqrt(vcov(fitl)["Lvalue", "Lvalue"]), nobs(fitl))
write.csv(h[, c("firm", "year", "inv", "value", "capital")], "tests/data/model/grunfeld-gap.csv",
          row.names = FALSE)
# three fixed effects: firm, year and grp = (7 firm + 3 year) mod 5
g$grp <- (7 * g$firm + 3 * g$year) %% 5
fit3 <- lm(inv ~ capital + value + factor(firm) + factor(year) + factor(grp), data = g)
p("grunfeld 3fe b %.15g %.15g iid se %.15g %.15g df_r %d", coef(fit3)["capital"], coef(fit3)["value"],
  sqrt(vcov(fit3)["capital", "capital"]), sqrt(vcov(fit3)["value", "value"]), fit3$df.residual)
V3 <- vcovCL(fit3, cluster = ~firm, type = "HC0", cadjust = FALSE)
# reghdfe: firm nested in the firm clusters, year 20 - 1 (components), grp 5 - 1: df_a = 23
p("grunfeld 3fe cluster firm se %.15g %.15g", sqrt(V3["capital", "capital"] * 199 / (200 - 1 - 2 - 23) * 10 / 9),
  sqrt(V3["value", "value"] * 199 / (200 - 1 - 2 - 23) * 10 / 9))
write.csv(g, "tests/data/model/grunfeld3.csv", row.names = FALSE)
