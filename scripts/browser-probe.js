/* Appended to a copy of a report (never to the shipped HTML) by
 * scripts/check-browser.sh: lists, in a pre element (id browser-check) that
 * chromium --dump-dom prints, every element wider than its container
 * (or sticking out on the left: a clipped chart label), every box that
 * scrolls sideways, and every text drawn smaller than 9 px (chart text is
 * scaled with its chart). */
(function () {
	var out = [], root = document.documentElement, vw = root.clientWidth;

	function name(e) {
		var s = e.tagName.toLowerCase(), c = e.getAttribute('class');

		if (e.id)
			s += '#' + e.id;
		if (c)
			s += '.' + c.split(' ').join('.');
		return s + ' "' + (e.textContent || '').replace(/\s+/g, ' ').trim().slice(0, 50) + '"';
	}
	if (root.scrollWidth > vw + 1)
		out.push('the page is wider than the window: ' + root.scrollWidth + ' > ' + vw);
	var all = document.body.getElementsByTagName('*');
	for (var i = 0; i < all.length; i++) {
		var e = all[i], tag = e.tagName.toLowerCase(), p = e.parentElement;

		if (tag === 'title' || tag === 'style' || tag === 'script' || !e.getClientRects().length)
			continue;
		var r = e.getBoundingClientRect(), pr = p.getBoundingClientRect();

		if (r.right > pr.right + 1 || r.left < pr.left - 1)
			out.push('wider than its container: ' + name(e) + ' [' + Math.round(r.left) + ', ' +
				 Math.round(r.right) + '] in ' + name(p) + ' [' + Math.round(pr.left) + ', ' +
				 Math.round(pr.right) + ']');
		if (e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1 &&
		    getComputedStyle(e).overflowX !== 'visible')
			out.push('scrolls sideways: ' + name(e) + ' ' + e.scrollWidth + ' > ' + e.clientWidth);
		var text = false;

		for (var c = e.firstChild; c; c = c.nextSibling)
			if (c.nodeType === 3 && c.nodeValue.trim())
				text = true;
		if (!text)
			continue;
		var fs = parseFloat(getComputedStyle(e).fontSize), m = e.getScreenCTM ? e.getScreenCTM() : null;

		if (m)
			fs *= Math.sqrt(m.a * m.a + m.b * m.b);
		if (fs < 9)
			out.push('text of ' + fs.toFixed(1) + ' px: ' + name(e));
	}
	var pre = document.createElement('pre');

	pre.id = 'browser-check';
	pre.textContent = 'elements checked: ' + all.length + '\n' +
		out.map(function (x) { return 'OFFENDER ' + x; }).join('\n');
	document.body.appendChild(pre);
})();
