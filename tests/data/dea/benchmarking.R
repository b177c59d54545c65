# Expected values for tests/unit/test_dea.c from R Benchmarking (0.33,
# installed from its public source into /work/rlib):
#   R_LIBS=/work/rlib Rscript tests/data/dea/benchmarking.R > tests/data/dea/benchmarking.out
suppressMessages(library(Benchmarking))
d <- read.csv("tests/data/dea/fls.csv")
X <- as.matrix(d[, c("x1", "x2")]); Y <- as.matrix(d[, "y", drop = FALSE])
p <- function(tag, v) cat(tag, sprintf("%.15g", v), "\n")
for (rts in c("drs", "irs")) for (o in c("in", "out")) {
  e <- dea(X, Y, RTS = rts, ORIENTATION = o, SLACK = TRUE)
  p(paste(rts, o, "eff"), e$eff)
  p(paste(rts, o, "sx"), t(e$sx)); p(paste(rts, o, "sy"), t(e$sy))
}
for (rts in c("crs", "vrs")) for (o in c("in", "out")) {
  e <- sdea(X, Y, RTS = rts, ORIENTATION = o)
  p(paste("super", rts, o), e$eff)
}
g <- read.csv("tests/data/dea/rand.csv")
X <- as.matrix(g[, c("x1", "x2", "x3")]); Y <- as.matrix(g[, c("y1", "y2")])
e <- dea(X, Y, RTS = "vrs", ORIENTATION = "in", SLACK = TRUE)
p("rand vrs in eff", e$eff); p("rand vrs in sx", t(e$sx)); p("rand vrs in sy", t(e$sy))
e <- dea(X, Y, RTS = "crs", ORIENTATION = "out")
p("rand crs out eff", e$eff)
# Malmquist (malmq) on tests/data/dea/malm.csv, periods 1-2 and 2-3, VRS
# input and output; m, ec, tc and the four distances, DMU by DMU; and the
# CRS index with VRS own-period scores for the scale decomposition.
d <- read.csv("tests/data/dea/malm.csv")
for (o in c("in", "out")) for (t in 1:2) {
  a <- d[d$t == t, ]; b <- d[d$t == t + 1, ]
  q <- malmq(as.matrix(a$x), as.matrix(a$y), a$dmu, as.matrix(b$x), as.matrix(b$y), b$dmu,
             RTS = "vrs", ORIENTATION = o)
  tag <- paste("malmq vrs", o, t)
  p(paste(tag, "m"), q$m); p(paste(tag, "ec"), q$ec); p(paste(tag, "tc"), q$tc)
  p(paste(tag, "e00"), q$e00); p(paste(tag, "e11"), q$e11)
  p(paste(tag, "e10"), q$e10); p(paste(tag, "e01"), q$e01)
  v0 <- dea(as.matrix(a$x), as.matrix(a$y), RTS = "vrs", ORIENTATION = o)$eff
  v1 <- dea(as.matrix(b$x), as.matrix(b$y), RTS = "vrs", ORIENTATION = o)$eff
  p(paste("pec", o, t), if (o == "in") v1 / v0 else v0 / v1)
}
# 1200 DMUs (rand1200.csv): large enough for coinnet's column generation
g <- read.csv("tests/data/dea/rand1200.csv")
X <- as.matrix(g[, c("x1", "x2", "x3")]); Y <- as.matrix(g[, c("y1", "y2")])
e <- dea(X, Y, RTS = "vrs", ORIENTATION = "in", SLACK = TRUE)
p("r1200 vrs in eff", e$eff); p("r1200 vrs in slacksum", rowSums(e$sx) + rowSums(e$sy))
e <- dea(X, Y, RTS = "crs", ORIENTATION = "out", SLACK = TRUE)
p("r1200 crs out eff", e$eff); p("r1200 crs out slacksum", rowSums(e$sx) + rowSums(e$sy))
