/* coinnet.h — the public API of the coinnet library, one header per topic. */
#ifndef COINNET_H
#define COINNET_H
#include "coinnet/base.h"
#include "coinnet/table.h"
#include "coinnet/expr.h"
#include "coinnet/prep.h"
#include "coinnet/model.h"
#include "coinnet/measure.h"
#include "coinnet/dea.h"
#include "coinnet/sfa.h"
#include "coinnet/prodfn.h"
#include "coinnet/dvar.h"
#include "coinnet/net.h"
#include "coinnet/report.h"
#include "coinnet/regtable.h"
#include "coinnet/names.h"
#include "coinnet/gen.h"
#include "coinnet/study.h"
#endif
