# tests/data/petersen/make.R — Petersen's (2009) test data and the reference
# numbers of tests/unit/test_cluster_df.c.
#   R_LIBS=DIR Rscript make.R   (R 4.2.2, sandwich 3.0-2 as Debian ships it,
#                                fixest 0.12.1 optional)
# Writes test_data.csv from sandwich's PetersenCL (Petersen's test_data
# file; values stored as 4-byte floats, printed with 17 digits so that they
# read back exactly) and prints, for y ~ x:
#  - sandwich::vcovCL(type = "HC1") by firm, by year and by both (each
#    one-way part with its own G/(G-1), times (N-1)/(N-K): Petersen's and
#    Cameron-Gelbach-Miller's "conventional" two-way variance);
#  - the same two-way variance written out by hand, and reghdfe's rule
#    (one factor Gmin/(Gmin-1) on the whole sum, times (N-1)/(N-K));
#  - fixest's feols with cluster.df = "min" (its default) and "conventional".
library(sandwich)
data(PetersenCL, package = "sandwich")
d <- data.frame(firmid = PetersenCL$firm, year = PetersenCL$year, x = PetersenCL$x, y = PetersenCL$y)
con <- file("test_data.csv", "w")
writeLines("firmid,year,x,y", con)
writeLines(sprintf("%d,%d,%.17g,%.17g", d$firmid, d$year, d$x, d$y), con)
close(con)
d <- read.csv("test_data.csv")
stopifnot(all(d$x == PetersenCL$x), all(d$y == PetersenCL$y))
m <- lm(y ~ x, d)
p <- function(tag, v) cat(sprintf("%-34s %-12s %.17g\n", tag, names(v), v))
p("coef", coef(m))
p("r2", c(r2 = summary(m)$r.squared))
p("se ols", sqrt(diag(vcov(m))))
p("se white HC1", sqrt(diag(vcovHC(m, type = "HC1"))))
p("se firm (sandwich HC1)", sqrt(diag(vcovCL(m, cluster = ~firmid, type = "HC1"))))
p("se year (sandwich HC1)", sqrt(diag(vcovCL(m, cluster = ~year, type = "HC1"))))
p("se firm+year (sandwich HC1)", sqrt(diag(vcovCL(m, cluster = ~firmid + year, type = "HC1"))))
# by hand: bread (X'X)^-1, meats over firm, year and firm x year (= rows)
X <- model.matrix(m); e <- resid(m); N <- nrow(X); K <- ncol(X)
B <- solve(crossprod(X))
meat <- function(g) { u <- rowsum(X * e, g); crossprod(u) }
G <- function(g) length(unique(g))
fy <- paste(d$firmid, d$year)
Mf <- meat(d$firmid); My <- meat(d$year); Mfy <- meat(fy)
c_f <- G(d$firmid) / (G(d$firmid) - 1); c_y <- G(d$year) / (G(d$year) - 1); c_fy <- G(fy) / (G(fy) - 1)
V_conv <- (N - 1) / (N - K) * B %*% (c_f * Mf + c_y * My - c_fy * Mfy) %*% B
Gmin <- min(G(d$firmid), G(d$year))
V_min <- (N - 1) / (N - K) * Gmin / (Gmin - 1) * B %*% (Mf + My - Mfy) %*% B
p("se firm+year conventional (hand)", setNames(sqrt(diag(V_conv)), colnames(X)))
p("se firm+year min/reghdfe (hand)", setNames(sqrt(diag(V_min)), colnames(X)))
if (requireNamespace("fixest", quietly = TRUE)) {
  f <- fixest::feols(y ~ x, d)
  p("se firm+year fixest min", fixest::se(summary(f, cluster = ~firmid + year)))
  p("se firm+year fixest conventional",
    fixest::se(summary(f, cluster = ~firmid + year, ssc = fixest::ssc(cluster.df = "conventional"))))
}
