# The two functions every bench script's report uses, put in front of its
# own program: awk "$(cat tests/bench/bench-lines.awk)"'PROGRAM' (mawk,
# Debian's awk, has no -e). prec: decimals of value and ref (awk -v
# prec=N; default 3).
#
# kv(line, key): the value of key=value in a space-separated BENCHRAW line.
function kv(line, key,    i, n, f) {
	n = split(line, f, " ")
	for (i = 1; i <= n; i++)
		if (index(f[i], key "=") == 1)
			return substr(f[i], length(key) + 2)
	return ""
}
# bench(...): one `BENCH name=... value=... unit=... ref=NAME:V ratio=...`
# line, the format the project's benchmarks share.
function bench(name, v, unit, refname, r,    p) {
	p = prec == "" ? 3 : prec
	printf "BENCH name=%s value=%." p "f unit=%s ref=%s:%." p "f ratio=%.3f\n", \
		name, v, unit, refname, r, (r > 0 ? v / r : 0)
}
