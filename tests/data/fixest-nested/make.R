# tests/data/fixest-nested/make.R — the panel and the fixest numbers that
# tests/unit/test_cluster_df.c checks: R 4.2.2, fixest 0.12.1 (default ssc:
# adj = TRUE, fixef.K = "nested", cluster.adj = TRUE, cluster.df = "min",
# t.df = "min") and cluster.df = "conventional".
#   R_LIBS=DIR Rscript make.R        (writes panel.csv, prints the numbers)
# The panel: 200 firms in 20 industries (ind = ceiling(firm / 10)) over 10
# years, 10% of the rows dropped at random (no singletons), x1, x2 and y
# with firm and year effects; dyear = year + 10 * (firm > 100) splits the
# firm-dyear graph into two connected components; z instruments x1.
library(fixest)
set.seed(20261202)
d <- expand.grid(year = 1:10, firm = 1:200)[, c("firm", "year")]
d <- d[sort(sample(nrow(d), 1800)), ]
d$ind <- ceiling(d$firm / 10)
d$dyear <- d$year + 10 * (d$firm > 100)
fe_f <- rnorm(200)[d$firm]; fe_t <- rnorm(10)[d$year]; fe_i <- rnorm(20)[d$ind]
d$x1 <- round(0.5 * fe_f + rnorm(nrow(d)), 6)
d$x2 <- round(0.3 * fe_t + rnorm(nrow(d)), 6)
d$y <- round(1 + 0.7 * d$x1 - 0.4 * d$x2 + fe_f + fe_t + fe_i + rnorm(nrow(d)) +
             rnorm(200)[d$firm] * rnorm(nrow(d)) + rnorm(10)[d$year] * 0.5, 6)
d$z <- round(0.6 * d$x1 + rnorm(nrow(d)), 6) # an instrument for x1 (iv)
stopifnot(all(table(d$firm) > 1), all(table(d$year) > 1))
write.csv(d, "panel.csv", row.names = FALSE, quote = FALSE)
d <- read.csv("panel.csv")
show <- function(tag, m, ...) {
  s <- summary(m, ...)
  cat(sprintf("%-28s %-3s b = %.17g se = %.17g t.df = %g\n", tag, names(coef(s)),
              coef(s), se(s), degrees_freedom(s, "t")))
}
cv <- ssc(cluster.df = "conventional")
show("firm+year cl firm", feols(y ~ x1 + x2 | firm + year, d, cluster = ~firm))
show("year+firm cl firm", feols(y ~ x1 + x2 | year + firm, d, cluster = ~firm))
show("firm+year cl year", feols(y ~ x1 + x2 | firm + year, d, cluster = ~year))
show("year+firm cl year", feols(y ~ x1 + x2 | year + firm, d, cluster = ~year))
show("firm+year cl firm,year", feols(y ~ x1 + x2 | firm + year, d, cluster = ~firm + year))
show("firm+year cl firm,year conv", feols(y ~ x1 + x2 | firm + year, d, cluster = ~firm + year), ssc = cv)
show("year+firm cl ind,year", feols(y ~ x1 + x2 | year + firm, d, cluster = ~ind + year))
show("year+firm cl ind,year conv", feols(y ~ x1 + x2 | year + firm, d, cluster = ~ind + year), ssc = cv)
show("year+firm cl firm,ind", feols(y ~ x1 + x2 | year + firm, d, cluster = ~firm + ind))
show("year+firm cl firm,ind conv", feols(y ~ x1 + x2 | year + firm, d, cluster = ~firm + ind), ssc = cv)
show("firm+ind cl ind", feols(y ~ x1 + x2 | firm + ind, d, cluster = ~ind))
show("ind+year cl firm", feols(y ~ x1 + x2 | ind + year, d, cluster = ~firm))
show("firm+dyear iid", feols(y ~ x1 + x2 | firm + dyear, d, vcov = "iid"))
show("firm+dyear hetero", feols(y ~ x1 + x2 | firm + dyear, d, vcov = "hetero"))
show("firm+dyear cl dyear", feols(y ~ x1 + x2 | firm + dyear, d, cluster = ~dyear))
show("x cl firm,year conv", feols(y ~ x1 + x2, d, cluster = ~firm + year), ssc = cv)
# iv without fixed effects: fixest's K (slopes + 1) is ivreg2's (K + sdofminus 1)
show("iv cl firm,year", feols(y ~ x2 | x1 ~ z, d, cluster = ~firm + year))
show("iv cl firm,year conv", feols(y ~ x2 | x1 ~ z, d, cluster = ~firm + year), ssc = cv)
