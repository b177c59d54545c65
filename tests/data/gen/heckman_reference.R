# tests/data/gen/heckman_reference.R — Heckman two-step on Mroz87 for
# tests/unit/test_ml.c, written out in R from Greene (Econometric Analysis,
# 7th ed., §19.5.2): probit by glm, OLS by lm, Greene's variance by matrix
# algebra. (sampleSelection::heckit, not in Debian, prints the same
# coefficients for this classic example: lambda -1.09762, sigma 3.20006,
# rho -0.34300.) Run: Rscript tests/data/gen/heckman_reference.R
d <- read.csv("tests/data/ml/mroz87.csv")
d$kids <- as.numeric(d$kids5 + d$kids618 > 0)
pr <- glm(lfp ~ age + I(age^2) + faminc + kids + educ, family = binomial(link = "probit"), data = d,
          control = glm.control(epsilon = 1e-15, maxit = 100))
W <- model.matrix(pr); g <- coef(pr)
wg <- drop(W %*% g); lam <- dnorm(wg) / pnorm(wg)
# the probit's variance from the observed information (Newton; Stata's
# probit), not glm's expected information
q <- 2 * d$lfp - 1
l <- q * dnorm(q * wg) / pnorm(q * wg)
Vg <- solve(crossprod(W, (l * (l + wg)) * W))
s <- d$lfp == 1
X <- cbind(model.matrix(~ exper + I(exper^2) + educ + city, d)[s, ], lambda = lam[s])
y <- d$wage[s]
b <- solve(crossprod(X), crossprod(X, y))
e <- y - X %*% b
delta <- lam[s] * (lam[s] + wg[s])
bl <- b["lambda", 1]
s2 <- sum(e^2) / sum(s) + bl^2 * mean(delta)
rho <- bl / sqrt(s2)
D <- solve(crossprod(X))
Ws <- W[s, ]
Q <- rho^2 * t(X) %*% (delta * Ws) %*% Vg %*% t(Ws) %*% (delta * X)
V <- s2 * D %*% (t(X) %*% ((1 - rho^2 * delta) * X) + Q) %*% D
p <- function(lab, x) cat(lab, sprintf("%.15g", x), "\n")
p("b", b); p("se", sqrt(diag(V))); p("sigma", sqrt(s2)); p("rho", rho)
p("probit b", g); p("probit se", sqrt(diag(Vg)))
