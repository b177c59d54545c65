# Writes latin1-r114.dta and gbk-r114.dta (Stata format 114) with R's
# foreign::write.dta, which stores text bytes as they are: the strings are
# converted to Latin-1 and GB18030 first, as Stata 13 and earlier kept text
# in the computer's code page. Run in a UTF-8 locale: Rscript make-r114.R
library(foreign)
d <- data.frame(
  city = iconv(c("Café", "Zürich", "Malmö", "plain"), "UTF-8", "latin1"),
  size = factor(c("small", "large", NA, "small"), levels = c("small", "large")),
  x = c(0.5, NA, -1.25, 1e10),
  n = c(1L, NA, 3L, -5L),
  stringsAsFactors = FALSE)
attr(d, "var.labels") <- c("city name", "firm size", "a number", "a count")
write.dta(d, "latin1-r114.dta", version = 10)
g <- data.frame(org = iconv(c("中国科学院", "北京大学", "ABC"), "UTF-8", "GB18030"),
                k = c(1L, 2L, 3L), stringsAsFactors = FALSE)
write.dta(g, "gbk-r114.dta", version = 10)
