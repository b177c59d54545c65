# tests/data/gen/formula_bridges_reference.R — reference numbers for the
# golden cases tests/cli/model/formula-*.case (Stata and fixest spellings,
# R's coding of factors in interactions).
# Run: Rscript tests/data/gen/formula_bridges_reference.R  (Debian r-base-core,
# R 4.2.2 on bookworm). Writes tests/data/formula/bridges.csv (30 rows, values
# rounded so that the CSV holds them exactly) and prints, for each model, the
# lines "NAME b se" that the cases expect: lm() coefficients and their iid
# standard errors, under the name coinnet gives each coefficient (written
# out below; lm's own names are in the comments). An aliased (NA)
# coefficient of lm is a regressor coinnet omits for collinearity: not printed.
set.seed(13)
n <- 30
g <- sample(rep(c("a", "b", "c"), each = 10))
h <- rep(c(0L, 1L), 15)[sample(n)]
x <- round(runif(n, 0, 5), 2)
z <- round(rnorm(n, 2, 1), 2)
slope <- c(a = 0.5, b = 1.2, c = -0.4)[g]
y <- round(1 + slope * x + 0.3 * z + 0.2 * x * z + 0.8 * h + rnorm(n, 0, 0.5), 3)
write.csv(data.frame(y, x, z, g, h), "tests/data/formula/bridges.csv", row.names = FALSE, quote = FALSE)
d <- read.csv("tests/data/formula/bridges.csv", colClasses = c(g = "character"))
d$g <- factor(d$g)
d$hf <- factor(d$h)
# map: lm's coefficient names, in coinnet's order (its _cons last), named by
# coinnet's names
show <- function(title, fit, map) {
  cat("# ", title, "\n", sep = "")
  cf <- summary(fit)$coefficients # aliased coefficients are left out here
  if (nrow(cf) != length(map) || !all(map %in% rownames(cf)))
    stop(title, ": lm has ", paste(rownames(cf), collapse = " "))
  for (k in seq_along(map)) cat(sprintf("%s %.15g %.15g\n", names(map)[k], cf[map[k], 1], cf[map[k], 2]))
}
I0 <- c("_cons" = "(Intercept)")
# Stata c.x#c.z, coinnet x:z
show("x:z", lm(y ~ x:z, d), c("x:z" = "x:z", I0))
# Stata x##c.z, coinnet x*z
show("x*z", lm(y ~ x * z, d), c(x = "x", z = "z", "x:z" = "x:z", I0))
# Stata i.g#c.x, fixest i(g, x), coinnet i(g):x — lm y ~ g:x: a slope per level
show("i(g):x", lm(y ~ g:x, d), c("g::a:x" = "ga:x", "g::b:x" = "gb:x", "g::c:x" = "gc:x", I0))
# Stata c.x#i.g, coinnet x:i(g) — lm y ~ x:g
show("x:i(g)", lm(y ~ x:g, d), c("x:g::a" = "x:ga", "x:g::b" = "x:gb", "x:g::c" = "x:gc", I0))
# with the main effect of x the first level is left out — lm y ~ x + x:g
show("x + x:i(g)", lm(y ~ x + x:g, d), c(x = "x", "x:g::b" = "x:gb", "x:g::c" = "x:gc", I0))
# Stata i.g##c.x, coinnet i(g)*x — lm y ~ g*x
show("i(g)*x", lm(y ~ g * x, d),
     c("g::b" = "gb", "g::c" = "gc", x = "x", "g::b:x" = "gb:x", "g::c:x" = "gc:x", I0))
# i(g) + i(g):x: the main effect of g does not hold x, so every level gets a slope (lm y ~ g + g:x)
show("i(g) + i(g):x", lm(y ~ g + g:x, d),
     c("g::b" = "gb", "g::c" = "gc", "g::a:x" = "ga:x", "g::b:x" = "gb:x", "g::c:x" = "gc:x", I0))
# R I(x^2), fixest x^2 (coinnet: the square), Stata c.x#c.x is x:x
show("I(x^2)", lm(y ~ I(x^2), d), c("x^2" = "I(x^2)", I0))
show("x + x:x", lm(y ~ x + I(x^2), d), c(x = "x", "x:x" = "I(x^2)", I0))
# Stata ib(last).g, coinnet i(g, ref = c) — lm y ~ relevel(g, "c") + x
show("ib(last).g + x", lm(y ~ relevel(g, "c") + x, d),
     c("g::a" = 'relevel(g, "c")a', "g::b" = 'relevel(g, "c")b', x = "x", I0))
# Stata ib1.h, fixest i(h, ref = 1)
show("ib1.h + x", lm(y ~ relevel(hf, "1") + x, d), c("h::0" = 'relevel(hf, "1")0', x = "x", I0))
# fixest i(g, x, ref = "b"): an explicit reference level is left out even
# without the main effect (lm on the slope columns of levels a and c)
d$xa <- d$x * (d$g == "a"); d$xc <- d$x * (d$g == "c")
show("i(g, x, ref = b)", lm(y ~ xa + xc, d), c("g::a:x" = "xa", "g::c:x" = "xc", I0))
# Stata i.g#i.h without main effects: every cell, the last (gc:hf1) aliased
# with the constant; coinnet lists the first factor's levels slowest
show("i(g):i(h)", lm(y ~ g:hf, d),
     c("g::a:h::0" = "ga:hf0", "g::a:h::1" = "ga:hf1", "g::b:h::0" = "gb:hf0",
       "g::b:h::1" = "gb:hf1", "g::c:h::0" = "gc:hf0", I0))
# Stata i.g##i.h — lm y ~ g*hf
show("i(g)*i(h)", lm(y ~ g * hf, d),
     c("g::b" = "gb", "g::c" = "gc", "h::1" = "hf1", "g::b:h::1" = "gb:hf1", "g::c:h::1" = "gc:hf1", I0))
# no constant: every level of the first factor — lm y ~ 0 + g + x
show("0 + i(g) + x", lm(y ~ 0 + g + x, d), c("g::a" = "ga", "g::b" = "gb", "g::c" = "gc", x = "x"))
