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
