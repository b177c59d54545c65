# Builds the estimation panel of docs/gen.md from a gen folder and its net build
# folder (python3 gen_panel.py GEN NET OUT.csv); used by gen_estimates.sh.
import csv, math, sys
g, n, out = sys.argv[1], sys.argv[2], sys.argv[3]
wdc = {}
for r in csv.DictReader(open(f'{g}/truth_wdc.csv')):
    if r['id']: wdc[(r['id'], r['year'])] = int(r['wdc'])
names = {r['node_id']: r['name'] for r in csv.DictReader(open(f'{n}/nodes.csv'))}
own = {}
for r in csv.DictReader(open(f'{n}/node_year.csv')):
    own[(names[r['node_id']], r['year'])] = int(r['own_patents'])
cities = {(r['city'], r['year']): r for r in csv.DictReader(open(f'{g}/cities.csv'))}
w = csv.writer(open(out, 'w'))
w.writerow(['id', 'year', 'dvar', 'exporter', 'lnwdc', 'lnassets', 'age', 'kl', 'lnown', 'lninc', 'pilot', 'group', 'foreign'])
for r in csv.DictReader(open(f'{g}/firms.csv')):
    c = cities[(r['city'], r['year'])]
    w.writerow([r['id'], r['year'], r['dvar_true'], r['exporter'], math.log1p(wdc.get((r['id'], r['year']), 0)),
                math.log(float(r['assets'])), int(r['year']) - int(r['founded']),
                math.log(float(r['fixed_assets']) / float(r['employment'])),
                math.log1p(own.get((r['name'], r['year']), 0)), math.log1p(int(c['incubators'])), c['pilot'],
                r['group'], int(r['ownership'] in ('港澳台', '外资'))])
