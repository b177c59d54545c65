# Expected values for tests/cli/measure/dea_pft1981.case: Charnes, Cooper &
# Rhodes (1981) Program Follow Through data (deaR 1.5.3's PFT1981: 70
# school sites, 5 inputs, 3 outputs, the Program column PFT for the first
# 49 and NFT for the rest), CCR input-oriented within each program, as
# deaR's own examples replicate the paper; scores from deaR's model_basic
# (lpSolve). Run from the root:
#   R_LIBS=/work/rlib Rscript tests/data/dea/pft1981_deaR.R
suppressMessages(library(deaR))
data(PFT1981)
d <- PFT1981
names(d) <- c("site", "education", "occupation", "parental", "counseling", "teachers",
              "reading", "math", "coopersmith", "program")
d$site <- as.character(d$site)
write.csv(d, "tests/data/dea/pft1981.csv", row.names = FALSE, quote = FALSE)
eff <- c()
for (rows in list(1:49, 50:70)) {
  dd <- make_deadata(PFT1981[rows, ], dmus = 1, inputs = 2:6, outputs = 7:9)
  eff <- c(eff, efficiencies(model_basic(dd, orientation = "io", rts = "crs")))
}
f <- file("tests/cli/measure/dea_pft1981.case", "w")
writeLines(c("# Charnes, Cooper & Rhodes (1981) Program Follow Through: CCR input scores",
             "# by program against R deaR 1.5.3's model_basic (lpSolve), 17 digits",
             "# (made by tests/data/dea/pft1981_deaR.R; do not edit by hand).",
             paste0("cmd: coinnet measure dea $DATA/dea/pft1981.csv --by program --dmu site \\\n",
                    "  --inputs education,occupation,parental,counseling,teachers --outputs reading,math,coopersmith"),
             "tol: 1e-9", "--- stdout", "program,site,theta"), f)
writeLines(sprintf("%s,%s,%.17g", d$program, d$site, eff), f)
close(f)
