import{b as q,c as s,d as S,e as z,f as j,g as R,h as H,i as k,j as Y,k as e,l as O,m as I,n as V,o as _,p as Q,q as J,r as K,t as X,u as Z,v as ee}from"./chunk-BOCHEHVS.js";var fe=/^\+[1-9]\d{7,14}$/,$e=700,te=["\u043D\u0430\u0431\u043E\u0440","\u0437\u0432\u043E\u043D\u043E\u043A","\u0440\u0430\u0437\u0433\u043E\u0432\u043E\u0440","\u0437\u0430\u0432\u0435\u0440\u0448\u0451\u043D"],W=new Set(["completed","failed","no_answer","busy","rejected"]),N={completed:"\u0440\u0430\u0437\u0433\u043E\u0432\u043E\u0440 \u0441\u043E\u0441\u0442\u043E\u044F\u043B\u0441\u044F",failed:"\u043E\u0448\u0438\u0431\u043A\u0430",no_answer:"\u043D\u0435 \u043E\u0442\u0432\u0435\u0442\u0438\u043B\u0438",busy:"\u0437\u0430\u043D\u044F\u0442\u043E",rejected:"\u043E\u0442\u043A\u043B\u043E\u043D\u0451\u043D"},B={end_call:"\u043A\u043B\u0438\u0435\u043D\u0442 \u043F\u043E\u043F\u0440\u043E\u0449\u0430\u043B\u0441\u044F",operator_hangup:"\u043E\u043F\u0435\u0440\u0430\u0442\u043E\u0440 \u043F\u043E\u043B\u043E\u0436\u0438\u043B \u0442\u0440\u0443\u0431\u043A\u0443",max_duration:"\u0438\u0441\u0442\u0435\u043A\u043B\u043E \u0432\u0440\u0435\u043C\u044F \u0437\u0432\u043E\u043D\u043A\u0430",silence:"\u0434\u043E\u043B\u0433\u043E\u0435 \u043C\u043E\u043B\u0447\u0430\u043D\u0438\u0435",backend_error:"\u043E\u0448\u0438\u0431\u043A\u0430 \u0431\u044D\u043A\u0435\u043D\u0434\u0430",socket_closed:"OpenAI \u0437\u0430\u043A\u0440\u044B\u043B \u0441\u043E\u0435\u0434\u0438\u043D\u0435\u043D\u0438\u0435",failed:"\u0441\u0431\u043E\u0439 \u0441\u0446\u0435\u043D\u0430\u0440\u0438\u044F",stopped:"\u0437\u0430\u0432\u0435\u0440\u0448\u0451\u043D \u0438\u0437 \u043A\u043E\u043D\u0441\u043E\u043B\u0438"};function ge(a){return W.has(a)?3:a==="connected"?2:a==="ringing"?1:0}function he(a,t){return a?fe.test(a)?t&&!t.some(l=>a.startsWith(l))?`\u042D\u0442\u043E\u0442 \u043D\u043E\u043C\u0435\u0440 \u043D\u0435 \u0440\u0430\u0437\u0440\u0435\u0448\u0451\u043D: \u0437\u0432\u043E\u043D\u0438\u0442\u044C \u043C\u043E\u0436\u043D\u043E \u0442\u043E\u043B\u044C\u043A\u043E \u043D\u0430 ${t.join(", ")}.`:"":"\u041D\u043E\u043C\u0435\u0440 \u0432 \u0444\u043E\u0440\u043C\u0430\u0442\u0435 E.164: \xAB+\xBB, \u043A\u043E\u0434 \u0441\u0442\u0440\u0430\u043D\u044B \u0438 \u0446\u0438\u0444\u0440\u044B, \u043D\u0430\u043F\u0440\u0438\u043C\u0435\u0440 +79161234567.":"\u0412\u0432\u0435\u0434\u0438\u0442\u0435 \u043D\u043E\u043C\u0435\u0440."}function ve({me:a,persona:t,setPersona:l}){let[i,c]=s(""),[$,g]=s(""),[m,v]=s(null),[w,u]=s(null),p=z(null),r=t.kind==="yaml";async function d(n){u(null);try{let h=await k("POST","/persona/check",{yaml:n});v(h),l(h.ok?{kind:"yaml",value:h.persona,ok:!0}:{kind:"yaml",ok:!1})}catch(h){u(h),l({kind:"yaml",ok:!1})}}S(()=>{if(!r||!i.trim())return;let n=setTimeout(()=>d(i),400);return()=>clearTimeout(n)},[i,r]);function o(n){let h=p.current;if(!h||!n)return;let E=h.value.split(`
`),C=E.slice(0,n-1).reduce((b,T)=>b+T.length+1,0);h.focus(),h.setSelectionRange(C,C+(E[n-1]||"").length)}async function y(n){let h=n.target.files&&n.target.files[0];h&&(g(h.name),c(await h.text()))}return e`
    <div class="field">
      <label for="persona">Персона</label>
      <select id="persona" value=${r?"__yaml":t.value}
        onChange=${n=>n.target.value==="__yaml"?l({kind:"yaml",ok:!1}):l({kind:"bundled",value:n.target.value,ok:!0})}>
        ${a.personas.map(n=>e`<option value=${n.id}>${n.name} (${n.id})</option>`)}
        <option value="__yaml">Своя: вставить или загрузить YAML</option>
      </select>
      ${r&&e`
        <div class="yaml">
          <textarea ref=${p} id="persona-yaml" rows="12" spellcheck="false" aria-label="Персона в YAML"
            aria-describedby="persona-check" placeholder="id: my_persona&#10;name: Иван&#10;…"
            value=${i} onInput=${n=>c(n.target.value)}></textarea>
          <div class="upload">
            <input type="file" id="persona-file" accept=".yaml,.yml,text/yaml" onChange=${y} />
            <label for="persona-file">Загрузить файл YAML…</label>
            <span class="muted" id="persona-file-name">${$||"\u0444\u0430\u0439\u043B \u043D\u0435 \u0432\u044B\u0431\u0440\u0430\u043D"}</span>
          </div>
          <div id="persona-check" aria-live="polite">
            ${m&&m.ok&&e`<p class="ok">Персона в порядке: ${m.name} (${m.id}).</p>`}
            ${m&&!m.ok&&e`
              <ul class="problems">
                ${m.problems.map(n=>e`<li>
                  <button type="button" class="linklike" onClick=${()=>o(n.line)}>
                    ${n.line?`\u0441\u0442\u0440\u043E\u043A\u0430 ${n.line}`:"\u0444\u0430\u0439\u043B"}</button>${n.field?` \u2014 ${n.field}`:""}: <span title=${n.message}>${Q(n.message)}</span></li>`)}
              </ul>`}
            <${_} error=${w} />
          </div>
        </div>`}
    </div>`}function ye({start:a,onAgain:t,canStop:l}){let[i,c]=s(null),[$,g]=s(null),[m,v]=s(null),[w,u]=s(!1),p=z(null),r=i?i.status:a.status,d=W.has(r);S(()=>{let b=!0,T=null;async function P(){try{let x=await k("GET",`/call/${a.call_id}`);if(!b||(c(x),g(null),W.has(x.status)))return}catch(x){if(!b)return;g(x)}T=setTimeout(P,$e)}return P(),()=>{b=!1,clearTimeout(T)}},[a.call_id]);let o=i&&i.transcript||[];S(()=>{let b=p.current;b&&b.scrollHeight-b.scrollTop-b.clientHeight<120&&(b.scrollTop=b.scrollHeight)},[o.length]);async function y(){u(!0),v(null);try{await k("POST",`/call/${a.call_id}/hangup`,{})}catch(b){v(b),u(!1)}}let n={};for(let b of i&&i.turns||[])n[b.turn]=b.voice_to_voice_ms;let h=o.length?o[0].t:0,E=ge(r),C=d?`${N[r]||r}${i&&i.end_reason?`, ${B[i.end_reason]||i.end_reason}`:""}`:"";return e`
    <section class="live" aria-labelledby="live-title">
      <h2 id="live-title">Звонок ${I(a.engine)}</h2>
      <p class="muted">Идентификатор звонка: <code>${a.call_id}</code></p>
      <ol class="steps" aria-label="Статус звонка">
        ${te.map((b,T)=>e`<li class=${T<E?"past":T===E?"now":""} aria-current=${T===E?"step":void 0}>${b}</li>`)}
      </ol>
      <p class="status" role="status" data-status=${r}>Статус: <strong>${te[E]}</strong>${C&&e` — ${C}`}</p>
      <${_} error=${$} />
      <ol class="transcript" ref=${p} aria-live="polite" aria-label="Расшифровка">
        ${o.length===0&&e`<li class="muted placeholder">Реплики появятся здесь, как только начнётся разговор.</li>`}
        ${o.map(b=>e`
          <li class=${`line ${b.who}`}>
            <span class="time">${F(b.t-h)}</span>
            <span class="who">${b.who==="client"?"\u041A\u043B\u0438\u0435\u043D\u0442":"\u041E\u043F\u0435\u0440\u0430\u0442\u043E\u0440"}</span>
            <span class="text">${b.text}${b.cut?e` <em class="tag">перебит</em>`:""}${b.barge_in?e` <em class="tag">перебивает</em>`:""}</span>
            <span class="v2v" title="голос-в-голос: конец речи оператора → первый звук клиента">${b.who==="client"&&n[b.turn]!=null?`${n[b.turn]} \u043C\u0441`:""}</span>
          </li>`)}
      </ol>
      <p class="muted summary">${we(i)}</p>
      <div class="actions">
        ${!d&&l&&e`<button type="button" class="danger" onClick=${y} disabled=${w}>${w?"\u0417\u0430\u0432\u0435\u0440\u0448\u0430\u0435\u043C\u2026":"\u0417\u0430\u0432\u0435\u0440\u0448\u0438\u0442\u044C"}</button>`}
        ${d&&e`<button type="button" onClick=${t}>Новый звонок</button>
          <a class="button-like" href=${`#/calls/${a.call_id}`}>Разбор звонка</a>`}
      </div>
      <${_} error=${m} />
    </section>`}var ae=a=>a==null?"\u2014":`${a} \u043C\u0441`;function we(a){let t=a&&a.summary;return!t||!t.voice_to_voice_ms?"\xA0":`\u0413\u043E\u043B\u043E\u0441-\u0432-\u0433\u043E\u043B\u043E\u0441: p50 ${ae(t.voice_to_voice_ms.p50)}, p95 ${ae(t.voice_to_voice_ms.p95)}; \u0445\u043E\u0434\u043E\u0432: ${t.turns}`}function F(a){let t=Math.max(0,Math.round(a/1e3));return`${String(Math.floor(t/60)).padStart(2,"0")}:${String(t%60).padStart(2,"0")}`}function ne({me:a}){let t=a.permissions.includes("place_calls"),[l,i]=s(""),[c,$]=s(!1),[g,m]=s(a.default_engine),[v,w]=s({kind:"bundled",value:(a.personas[0]||{}).id,ok:!0}),[u,p]=s(""),[r,d]=s(""),[o,y]=s(null),[n,h]=s(!1),[E,C]=s(null);S(()=>m(a.default_engine),[a.default_engine]);let b=he(l.trim(),a.allowed_prefixes);async function T(x){if(x.preventDefault(),$(!0),!b){if(!v.ok){y({message:"\u041F\u0435\u0440\u0441\u043E\u043D\u0430 \u043D\u0435 \u043F\u0440\u043E\u0448\u043B\u0430 \u043F\u0440\u043E\u0432\u0435\u0440\u043A\u0443: \u0438\u0441\u043F\u0440\u0430\u0432\u044C\u0442\u0435 \u043E\u0448\u0438\u0431\u043A\u0438 \u0432 YAML \u0432\u044B\u0448\u0435."});return}h(!0),y(null);try{let A={};u.trim()&&(A.trainee=u.trim()),r.trim()&&(A.team=r.trim());let D={to:l.trim(),scenario:g,persona:v.value,labels:A};C(await k("POST","/call",D))}catch(A){y(A)}finally{h(!1)}}}if(E)return e`<${ye} start=${E} canStop=${t} onAgain=${()=>C(null)} />`;let P=o&&o.field;return e`
    <form class="card" onSubmit=${T} novalidate aria-labelledby="call-title">
      <h2 id="call-title">Звонок</h2>
      <div class="field">
        <label for="to">Номер оператора</label>
        <input id="to" type="tel" inputmode="tel" autocomplete="off" placeholder="+79161234567" value=${l}
          aria-invalid=${c&&b?"true":"false"} aria-describedby="to-error"
          onInput=${x=>i(x.target.value)} onBlur=${()=>$(!0)} />
        ${c&&b&&e`<p class="error" id="to-error">${b}</p>`}
        ${P==="to"&&e`<${_} error=${o} id="to-error" />`}
      </div>
      <fieldset class="field">
        <legend>Движок</legend>
        ${O.map(x=>e`
          <label class="radio"><input type="radio" name="engine" value=${x.id} checked=${g===x.id}
            onChange=${()=>m(x.id)} /> ${x.label}${x.id===a.default_engine?e` <span class="muted">(по умолчанию)</span>`:""}</label>`)}
      </fieldset>
      <${ve} me=${a} persona=${v} setPersona=${w} />
      <div class="field pair">
        <div><label for="trainee">Стажёр (метка trainee)</label>
          <input id="trainee" value=${u} maxlength="100" onInput=${x=>p(x.target.value)} /></div>
        <div><label for="team">Команда (метка team)</label>
          <input id="team" value=${r} maxlength="100" onInput=${x=>d(x.target.value)} /></div>
      </div>
      ${o&&P!=="to"&&e`<${_} error=${o} />`}
      ${t?e`<button type="submit" class="primary" disabled=${n}>${n?"\u0417\u0432\u043E\u043D\u0438\u043C\u2026":"\u041F\u043E\u0437\u0432\u043E\u043D\u0438\u0442\u044C"}</button>`:e`<p class="note" id="viewer-note">Ваша роль — ${a.role==="viewer"?"\u043D\u0430\u0431\u043B\u044E\u0434\u0430\u0442\u0435\u043B\u044C":a.role}: звонить могут тренеры и администраторы.</p>`}
    </form>`}var xe=["starting","dialing","ringing","connected","completed","failed","no_answer","busy","rejected"],G={starting:"\u0437\u0430\u043F\u0443\u0441\u043A",dialing:"\u043D\u0430\u0431\u043E\u0440",ringing:"\u0437\u0432\u043E\u043D\u043E\u043A",connected:"\u0440\u0430\u0437\u0433\u043E\u0432\u043E\u0440",...N},_e={voximplant:"Voximplant \u043E\u0442\u043A\u0430\u0437\u0430\u043B \u0432 \u0437\u0432\u043E\u043D\u043A\u0435",call:"\u0417\u0432\u043E\u043D\u043E\u043A \u043D\u0435 \u0441\u043E\u0441\u0442\u043E\u044F\u043B\u0441\u044F"},ke={yes:"\u0434\u0430",partial:"\u0447\u0430\u0441\u0442\u0438\u0447\u043D\u043E",no:"\u043D\u0435\u0442",na:"\u043D\u0435\u043F\u0440\u0438\u043C\u0435\u043D\u0438\u043C\u043E"},re=a=>a?a.slice(0,19).replace("T"," "):"\u2014",oe=a=>a==null?"\u2014":`${Math.round(a/1e3)} \u0441`,L=a=>a==null?"\u2014":`${a} \u043C\u0441`;function Se(a,t){let l=new URLSearchParams;for(let i of["engine","persona","status"])a[i]&&l.set(i,a[i]);for(let[i,c]of[["trainee",a.trainee],["team",a.team]])c&&c.trim()&&l.append("label",`${i}:${c.trim()}`);return a.since&&l.set("since",a.since),a.until&&l.set("until",a.until),l.set("limit",String(a.limit||20)),t&&l.set("cursor",t),l.toString()}function se({me:a}){let[t,l]=s({engine:"",persona:"",status:"",trainee:"",team:"",since:"",until:"",limit:20}),[i,c]=s(t),[$,g]=s([null]),[m,v]=s(null),[w,u]=s(null),[p,r]=s(!1),d=$[$.length-1];S(()=>{let n=!0;return r(!0),k("GET",`/calls?${Se(i,d)}`).then(h=>{n&&(v(h),u(null))}).catch(h=>{n&&u(h)}).finally(()=>{n&&r(!1)}),()=>{n=!1}},[i,d]);let o=n=>h=>l({...t,[n]:h.target.value});function y(n){n.preventDefault(),c(t),g([null])}return e`
    <section class="card" aria-labelledby="calls-title">
      <h2 id="calls-title">Звонки</h2>
      <form class="filters" onSubmit=${y} aria-label="Фильтры">
        <label>Движок<select value=${t.engine} onChange=${o("engine")}>
          <option value="">все</option>${O.map(n=>e`<option value=${n.id}>${n.label}</option>`)}</select></label>
        <label>Персона<select value=${t.persona} onChange=${o("persona")}>
          <option value="">все</option>${a.personas.map(n=>e`<option value=${n.id}>${n.name}</option>`)}</select></label>
        <label>Статус<select value=${t.status} onChange=${o("status")}>
          <option value="">все</option>${xe.map(n=>e`<option value=${n}>${G[n]||n}</option>`)}</select></label>
        <label>Стажёр<input value=${t.trainee} onInput=${o("trainee")} /></label>
        <label>Команда<input value=${t.team} onInput=${o("team")} /></label>
        <label>С даты<input type="date" value=${t.since} onInput=${o("since")} /></label>
        <label>По дату (не включая)<input type="date" value=${t.until} onInput=${o("until")} /></label>
        <label>На странице<select value=${t.limit} onChange=${o("limit")}>
          ${[10,20,50].map(n=>e`<option value=${n}>${n}</option>`)}</select></label>
        <button type="submit" class="primary">Показать</button>
      </form>
      <${_} error=${w} />
      <div class="table-wrap"><table class="calls" aria-busy=${p?"true":"false"}>
        <thead><tr><th scope="col">Начат (UTC)</th><th scope="col">Движок</th><th scope="col">Персона</th>
          <th scope="col">Метки</th><th scope="col">Статус</th><th scope="col">Длит.</th><th scope="col">v2v p50</th><th scope="col">Оценка</th></tr></thead>
        <tbody>
          ${m&&m.calls.length===0&&e`<tr><td colspan="8" class="muted">Звонков с такими условиями нет.</td></tr>`}
          ${m&&m.calls.map(n=>e`<tr>
            <td data-label="Начат"><a href=${`#/calls/${n.call_id}`}>${re(n.created_at)}</a></td>
            <td data-label="Движок">${I(n.engine)}</td><td data-label="Персона">${n.persona||"\u2014"}</td>
            <td data-label="Метки">${Object.entries(n.labels||{}).map(([h,E])=>e`<span class="badge">${h}: ${E}</span> `)}</td>
            <td data-label="Статус">${G[n.status]||n.status}</td><td data-label="Длит.">${oe(n.duration_ms)}</td>
            <td data-label="v2v p50">${L(n.voice_to_voice_p50_ms)}</td>
            <td data-label="Оценка">${n.evaluation&&n.evaluation.operator_score!=null?`${n.evaluation.operator_score}/100`:"\u2014"}</td>
          </tr>`)}
        </tbody>
      </table></div>
      <nav class="pager" aria-label="Страницы">
        <button type="button" disabled=${$.length<2} onClick=${()=>g($.slice(0,-1))}>Назад</button>
        <span class="muted">Страница ${$.length}</span>
        <button type="button" disabled=${!m||!m.next_cursor} onClick=${()=>g([...$,m.next_cursor])}>Дальше</button>
      </nav>
    </section>`}function le({q:a,jump:t}){return e`<button type="button" class="quote" onClick=${()=>t(a)}>«${a.text}»</button>`}function Ee({evaluation:a,jump:t}){if(!a||a.status==="pending")return e`<p class="muted" role="status">Оценка готовится: она появится здесь после окончания звонка.</p>`;if(a.status==="failed")return e`<p class="error" title=${a.reason}>Оценка не удалась: ${Z(a.reason)}.</p>`;let l=a.operator,i=a.cost;return e`
    ${l&&e`
      <p><strong>Оператор: ${l.score}/100</strong> (${J(l.level)})${l.raw_score!==l.score?e` <span class="muted">до штрафов ${l.raw_score}</span>`:""}</p>
      <div class="table-wrap"><table class="scorecard">
        <thead><tr><th scope="col">Пункт</th><th scope="col">Итог</th><th scope="col">Цитаты</th></tr></thead>
        <tbody>${l.checklist.map(c=>e`<tr>
          <td>${c.question}${c.critical?e` <span class="badge">критичный</span>`:""}</td>
          <td class=${`verdict ${c.status}`}>${ke[c.status]||c.status}${c.note?e`<br /><span class="muted">${c.note}</span>`:""}</td>
          <td>${c.quotes.map($=>e`<${le} q=${$} jump=${t} />`)}</td></tr>`)}</tbody>
      </table></div>
      ${l.issues.length>0&&e`<h4>Замечания</h4><ul>${l.issues.map(c=>e`<li><strong>${c.title}</strong> — ${c.recommendation}
        ${c.quotes.map($=>e` <${le} q=${$} jump=${t} />`)}</li>`)}</ul>`}`}
    <p class="muted">Метод оценки: ${K[a.method]||a.method}${a.model?`, \u043C\u043E\u0434\u0435\u043B\u044C ${a.model}`:""}</p>
    <p>Верность персоне (клиент): <strong>${a.client.fidelity??"\u2014"}</strong>${a.client.fidelity!=null?"/100":""}</p>
    <p>Стоимость: <strong>${typeof i.total_usd=="number"?`$${i.total_usd.toFixed(4)}`:`\u043D\u0435\u0438\u0437\u0432\u0435\u0441\u0442\u043D\u0430 (\u0438\u0437\u0432\u0435\u0441\u0442\u043D\u0430\u044F \u0447\u0430\u0441\u0442\u044C $${i.known_usd.toFixed(4)})`}</strong>
      <span class="muted"> цены на ${i.pricing_as_of}</span></p>`}function Te({turns:a}){if(!a.length)return e`<p class="muted">Замеров по ходам нет.</p>`;let t=Math.max(...a.map(l=>l.voice_to_voice_ms||0),1);return e`
    <p class="muted">Конец речи оператора → запрос реплики → ответ бэкенда → первый звук клиента. Полоса — голос-в-голос;
      тёмная часть — запрос и ответ реплики (из них бэкенд и LLM), светлая — остальное (распознавание, синтез, сеть).</p>
    <ol class="timeline">${a.map(l=>{let i=l.voice_to_voice_ms,c=l.reply_roundtrip_ms;return e`<li>
        <span class="turn">ход ${l.turn}</span>
        <span class="bar" role="img" aria-label=${`\u0433\u043E\u043B\u043E\u0441-\u0432-\u0433\u043E\u043B\u043E\u0441 ${L(i)}, \u0440\u0435\u043F\u043B\u0438\u043A\u0430 ${L(c)}`}>
          ${i!=null&&e`<span class="whole" style=${`width:${100*i/t}%`}>
            ${c!=null&&e`<span class="reply" style=${`width:${Math.min(100,100*c/i)}%`}></span>`}</span>`}
        </span>
        <span class="figures">${L(i)}; реплика ${L(c)}; бэкенд ${L(l.backend_ms)}; LLM ${L(l.llm_ms)}${l.fallback?"; \u0437\u0430\u043F\u0430\u0441\u043D\u043E\u0439 \u043E\u0442\u0432\u0435\u0442":""}</span>
      </li>`})}</ol>`}function ie({callId:a}){let[t,l]=s(null),[i,c]=s(null),[$,g]=s(null),m=z(null);S(()=>{let p=!0,r=null;async function d(){try{let o=await k("GET",`/call/${a}`);if(!p)return;l(o);let y=!["completed","failed","no_answer","busy","rejected"].includes(o.status),n=!o.evaluation||o.evaluation.status==="pending";(y||n)&&(r=setTimeout(d,2e3))}catch(o){p&&c(o)}}return d(),()=>{p=!1,clearTimeout(r)}},[a]);function v(p){let r=t.transcript,d=r.findIndex(n=>n.turn===p.turn&&(!p.who||n.who===p.who)&&n.text.includes(p.text.slice(0,20))),o=d>=0?d:r.findIndex(n=>n.turn===p.turn&&(!p.who||n.who===p.who));if(o<0)return;g(o);let y=m.current&&m.current.children[o];y&&(y.scrollIntoView({block:"center"}),y.focus())}if(i)return e`<section class="card"><h2>Звонок</h2><${_} error=${i} /><p><a href="#/calls">← Все звонки</a></p></section>`;if(!t)return e`<section class="card"><p class="muted">Загрузка…</p></section>`;let w=t.transcript.length?t.transcript[0].t:0,u=t.summary||{};return e`
    <section class="card" aria-labelledby="detail-title">
      <p><a href="#/calls">← Все звонки</a></p>
      <h2 id="detail-title">Звонок ${I(t.engine)}: ${t.persona.name||t.persona.id}</h2>
      <dl class="facts">
        <dt>Идентификатор</dt><dd><code>${t.call_id}</code></dd>
        <dt>Статус</dt><dd>${G[t.status]||t.status}${t.end_reason?`, ${B[t.end_reason]||t.end_reason}`:""}</dd>
        <dt>Начат (UTC)</dt><dd>${re(t.created_at)}</dd>
        <dt>Длительность</dt><dd>${oe(t.duration_ms)}</dd>
        <dt>Метки</dt><dd>${Object.entries(t.labels||{}).map(([p,r])=>e`<span class="badge">${p}: ${r}</span> `)}${Object.keys(t.labels||{}).length?"":"\u2014"}</dd>
        <dt>Голос-в-голос</dt><dd>p50 ${L(u.voice_to_voice_ms&&u.voice_to_voice_ms.p50)}, p95 ${L(u.voice_to_voice_ms&&u.voice_to_voice_ms.p95)}</dd>
        <dt>Перебивания</dt><dd>${u.barge_ins??"\u2014"}</dd>
        ${t.fallback_reason&&e`<dt>Запасные ответы</dt><dd class="fallback" title=${t.fallback_reason}>${X(t.fallback_reason)}</dd>`}
      </dl>
      <h3>Запись</h3>
      ${t.recording_url?e`<audio controls preload="none" src=${t.recording_url}></audio><p><a href=${t.recording_url} rel="noreferrer">Скачать запись</a></p>`:e`<p class="muted">Записи нет.</p>`}
      <h3>Расшифровка</h3>
      <ol class="transcript detail" ref=${m} aria-label="Расшифровка">
        ${t.transcript.map((p,r)=>e`<li tabindex="-1" class=${`line ${p.who}${$===r?" lit":""}`}>
          <span class="time">${F(p.t-w)}</span>
          <span class="who">${p.who==="client"?"\u041A\u043B\u0438\u0435\u043D\u0442":"\u041E\u043F\u0435\u0440\u0430\u0442\u043E\u0440"}</span>
          <span class="text">${p.text}${p.cut?e` <em class="tag">перебит</em>`:""}${p.barge_in?e` <em class="tag">перебивает</em>`:""}</span>
          <span class="v2v"></span></li>`)}
      </ol>
      <h3>Ходы</h3>
      <${Te} turns=${t.turns||[]} />
      <h3>Оценка</h3>
      <${Ee} evaluation=${t.evaluation} jump=${v} />
      <h3>Ошибки</h3>
      ${(t.errors||[]).length===0&&!t.failure?e`<p class="muted">Ошибок нет.</p>`:e`<ul class="errors">
            ${t.failure&&e`<li>${_e[t.failure.source]||t.failure.source}: <code>${t.failure.reason||t.failure.code}</code></li>`}
            ${(t.errors||[]).map(p=>e`<li>Сценарий сообщил об ошибке (${p.where}${p.code?`, ${p.code}`:""}): <code>${p.message}</code></li>`)}</ul>`}
    </section>`}var ce={...N,cancelled:"\u043E\u0442\u043C\u0435\u043D\u0451\u043D"},Ce={queued:"\u0432 \u043E\u0447\u0435\u0440\u0435\u0434\u0438",running:"\u0438\u0434\u0451\u0442",paused:"\u043D\u0430 \u043F\u0430\u0443\u0437\u0435",done:"\u0437\u0430\u0432\u0435\u0440\u0448\u0451\u043D",cancelled:"\u043E\u0442\u043C\u0435\u043D\u0451\u043D"},de={queued:"\u0432 \u043E\u0447\u0435\u0440\u0435\u0434\u0438",waiting:"\u0436\u0434\u0451\u0442",dialing:"\u043D\u0430\u0431\u043E\u0440",live:"\u0440\u0430\u0437\u0433\u043E\u0432\u043E\u0440",done:"\u0433\u043E\u0442\u043E\u0432\u043E",cancelled:"\u043E\u0442\u043C\u0435\u043D\u0451\u043D"},Ie=[["mon","\u043F\u043D"],["tue","\u0432\u0442"],["wed","\u0441\u0440"],["thu","\u0447\u0442"],["fri","\u043F\u0442"],["sat","\u0441\u0431"],["sun","\u0432\u0441"]],pe=new Set(["done","cancelled"]);function Oe({me:a,onStarted:t}){let[l,i]=s((a.personas[0]||{}).id),[c,$]=s(O.map(f=>f.id)),[g,m]=s(""),[v,w]=s(1),[u,p]=s(2),[r,d]=s(5),[o,y]=s(!1),[n,h]=s({timezone:"Europe/Moscow",from:"09:00",to:"18:00",days:["mon","tue","wed","thu","fri"]}),[E,C]=s(null),[b,T]=s(!1),P=g.split(/[\s,;]+/).map(f=>f.trim()).filter(Boolean),x=P.length*c.length*v,A=(f,M)=>f.includes(M)?f.filter(U=>U!==M):[...f,M];async function D(f){f.preventDefault(),T(!0),C(null);try{let M={persona:l,engines:c,targets:P.map(U=>({to:U})),repeats:Number(v),max_concurrent:Number(u),start_interval_s:Number(r),...o?{window:n}:{}};t(await k("POST","/batches",M))}catch(M){C(M)}finally{T(!1)}}return e`
    <form class="card" onSubmit=${D} aria-labelledby="batch-title" novalidate>
      <h2 id="batch-title">Новый пакет</h2>
      <div class="field"><label for="batch-persona">Персона</label>
        <select id="batch-persona" value=${l} onChange=${f=>i(f.target.value)}>
          ${a.personas.map(f=>e`<option value=${f.id}>${f.name} (${f.id})</option>`)}</select></div>
      <fieldset class="field"><legend>Движки</legend>
        ${O.map(f=>e`<label class="radio"><input type="checkbox" checked=${c.includes(f.id)}
          onChange=${()=>$(A(c,f.id))} /> ${f.label}</label>`)}</fieldset>
      <div class="field"><label for="batch-targets">Номера операторов (через запятую или с новой строки)</label>
        <textarea id="batch-targets" rows="3" value=${g} onInput=${f=>m(f.target.value)}
          aria-describedby="batch-total"></textarea>
        <p class="muted" id="batch-total">Звонков в пакете: ${x} (номера × движки × повторы; не больше 300)</p></div>
      <div class="field triple">
        <div><label for="batch-repeats">Повторы</label><input id="batch-repeats" type="number" min="1" max="20" value=${v} onInput=${f=>w(f.target.value)} /></div>
        <div><label for="batch-concurrent">Одновременно</label><input id="batch-concurrent" type="number" min="1" max="20" value=${u} onInput=${f=>p(f.target.value)} /></div>
        <div><label for="batch-interval">Пауза между стартами, с</label><input id="batch-interval" type="number" min="0" max="3600" value=${r} onInput=${f=>d(f.target.value)} /></div>
      </div>
      <fieldset class="field"><legend>Окно звонков</legend>
        <label class="radio"><input type="checkbox" checked=${o} onChange=${()=>y(!o)} /> звонить только в заданные часы</label>
        ${o&&e`<div class="triple">
          <div><label for="batch-tz">Часовой пояс</label><input id="batch-tz" value=${n.timezone} onInput=${f=>h({...n,timezone:f.target.value})} /></div>
          <div><label for="batch-from">С</label><input id="batch-from" value=${n.from} onInput=${f=>h({...n,from:f.target.value})} /></div>
          <div><label for="batch-to">До</label><input id="batch-to" value=${n.to} onInput=${f=>h({...n,to:f.target.value})} /></div>
        </div>
        <div class="days">${Ie.map(([f,M])=>e`<label class="radio"><input type="checkbox" checked=${n.days.includes(f)}
          onChange=${()=>h({...n,days:A(n.days,f)})} /> ${M}</label>`)}</div>`}
      </fieldset>
      <${_} error=${E} />
      <button type="submit" class="primary" disabled=${b}>${b?"\u0417\u0430\u043F\u0443\u0441\u043A\u0430\u0435\u043C\u2026":"\u0417\u0430\u043F\u0443\u0441\u0442\u0438\u0442\u044C \u043F\u0430\u043A\u0435\u0442"}</button>
    </form>`}function Me({batchId:a,canAct:t}){let[l,i]=s(null),[c,$]=s(null),[g,m]=s(null),[v,w]=s(0);S(()=>{let r=!0,d=null;async function o(){try{let y=await k("GET",`/batches/${a}`);if(!r||(i(y),$(null),pe.has(y.state)))return}catch(y){r&&$(y)}d=setTimeout(o,1500)}return o(),()=>{r=!1,clearTimeout(d)}},[a,v]);async function u(r){m(null);try{await k("POST",`/batches/${a}/${r}`,{}),w(v+1)}catch(d){m(d)}}if(!l)return e`<section class="card">${c?e`<${_} error=${c} />`:e`<p class="muted">Загрузка…</p>`}</section>`;let p=l.counts&&l.counts.by_state||{};return e`
    <section class="card" aria-labelledby="batch-view-title">
      <h2 id="batch-view-title">Пакет <code>${a}</code></h2>
      <p role="status" class="status" data-state=${l.state}>Состояние: <strong>${Ce[l.state]||l.state}</strong>;
        сейчас в разговоре: ${l.live??0}</p>
      <p class="muted">${Object.entries(p).map(([r,d])=>`${de[r]||r}: ${d}`).join(" \xB7 ")}</p>
      ${t&&e`<div class="actions">
        ${["queued","running"].includes(l.state)&&e`<button type="button" onClick=${()=>u("pause")}>Пауза</button>`}
        ${l.state==="paused"&&e`<button type="button" onClick=${()=>u("resume")}>Продолжить</button>`}
        ${!pe.has(l.state)&&e`<button type="button" class="danger" onClick=${()=>u("cancel")}>Отменить</button>`}
      </div>`}
      <${_} error=${g} />
      <p><a href=${`#/compare/${a}`}>Сравнение движков по этому пакету →</a></p>
      <div class="table-wrap"><table class="batch-items">
        <thead><tr><th scope="col">#</th><th scope="col">Номер</th><th scope="col">Движок</th><th scope="col">Состояние</th>
          <th scope="col">Попытка</th><th scope="col">Итог</th><th scope="col">Звонки</th></tr></thead>
        <tbody>${(l.items||[]).map((r,d)=>e`<tr>
          <td data-label="#">${(r.index??d)+1}</td><td data-label="Номер">${r.to}</td><td data-label="Движок">${I(r.engine)}</td>
          <td data-label="Состояние">${de[r.state]||r.state}${r.reason?e` <span class="muted reason" title=${r.reason}>(${ee(r.reason,ce)})</span>`:""}</td>
          <td data-label="Попытка">${r.attempt??"\u2014"}</td><td data-label="Итог">${r.outcome?ce[r.outcome]||r.outcome:"\u2014"}</td>
          <td data-label="Звонки">${(r.calls||[]).map(o=>e`<a href=${`#/calls/${o}`}>${o.slice(0,8)}</a> `)}</td></tr>`)}</tbody>
      </table></div>
    </section>`}function ue({me:a,batchId:t}){let l=a.permissions.includes("place_calls");return t?e`<${Me} key=${t} batchId=${t} canAct=${l} />`:l?e`<${Oe} me=${a} onStarted=${i=>{location.hash=`#/batches/${i.batch_id}`}} />`:e`<section class="card"><h2>Пакеты</h2><p class="note">Запускать пакеты могут тренеры и администраторы.</p></section>`}function me({onChanged:a}){let[t,l]=s(null),[i,c]=s(null),[$,g]=s(null),[m,v]=s(!1),[w,u]=s("");async function p(){try{let d=await k("GET","/settings");l(d),g(d.default_engine)}catch(d){c(d)}}S(()=>{p()},[]);async function r(d){d.preventDefault(),v(!0),c(null),u("");try{let o=await k("PUT","/settings/default_engine",{engine:$});l(o),u(`\u0414\u0432\u0438\u0436\u043E\u043A \u043F\u043E \u0443\u043C\u043E\u043B\u0447\u0430\u043D\u0438\u044E \u0442\u0435\u043F\u0435\u0440\u044C \xAB${I(o.default_engine)}\xBB.`),a()}catch(o){c(o)}finally{v(!1)}}return t?e`
    <section class="card" aria-labelledby="settings-title">
      <h2 id="settings-title">Настройки</h2>
      <h3>Маршрутизация сейчас</h3>
      <div class="table-wrap"><table>
        <thead><tr><th scope="col">Движок</th><th scope="col">Правило Voximplant</th><th scope="col">Сценарий</th></tr></thead>
        <tbody>
          ${O.map(d=>{let o=t.engines[d.id];return e`<tr><th scope="row">${d.label}${d.id===t.default_engine?e` <span class="badge">по умолчанию</span>`:""}</th>
              <td>${o?o.rule:e`<span class="error">не настроено</span>`}${o&&o.application_name?e` <span class="muted">(${o.application_name})</span>`:""}</td>
              <td>${o?o.scenario_name:"\u2014"}</td></tr>`})}
        </tbody>
      </table></div>
      <dl class="facts">
        <dt>Разрешённые направления</dt><dd>${t.allowed_prefixes.join(", ")||"\u043D\u0438\u043A\u0430\u043A\u0438\u0435"}</dd>
        <dt>Номер по умолчанию</dt><dd>${t.default_caller_id||"\u043D\u0435 \u0437\u0430\u0434\u0430\u043D"}</dd>
        <dt>Предел длительности</dt><dd>${t.max_call_duration_s} с</dd>
      </dl>
      <form onSubmit=${r}>
        <fieldset class="field">
          <legend>Движок по умолчанию для всех (${t.parameter})</legend>
          ${O.map(d=>e`<label class="radio"><input type="radio" name="default-engine" value=${d.id}
            checked=${$===d.id} onChange=${()=>g(d.id)} /> ${d.label}</label>`)}
        </fieldset>
        <button type="submit" class="primary" disabled=${m||$===t.default_engine}>${m?"\u0421\u043E\u0445\u0440\u0430\u043D\u044F\u0435\u043C\u2026":"\u0421\u043E\u0445\u0440\u0430\u043D\u0438\u0442\u044C"}</button>
        <p role="status" class="ok">${w}</p>
        <${_} error=${i} />
      </form>
      <h3>Кто и когда менял</h3>
      ${t.history.length===0?e`<p class="muted">Из консоли ещё ничего не меняли.</p>`:e`
        <div class="table-wrap"><table class="history">
          <thead><tr><th scope="col">Когда (UTC)</th><th scope="col">Кто</th><th scope="col">Было</th><th scope="col">Стало</th></tr></thead>
          <tbody>${t.history.map(d=>e`<tr><td>${d.at.replace("T"," ").replace("+00:00","")}</td><td>${d.who}</td>
            <td>${I(d.old)}</td><td>${I(d.new)}</td></tr>`)}</tbody>
        </table></div>`}
    </section>`:e`<section class="card"><h2>Настройки</h2>${i?e`<${_} error=${i} />`:e`<p class="muted">Загрузка…</p>`}</section>`}function Le({onSignedIn:a}){let[t,l]=s(""),[i,c]=s(""),[$,g]=s(null),[m,v]=s(""),[w,u]=s(null),[p,r]=s(!1);async function d(o){o.preventDefault(),r(!0),u(null);try{let n=await Y($?{username:t,new_password:m,session:$}:{username:t,password:i});R(n),a()}catch(y){y.code==="new_password_required"&&g(y.body.session),u(y)}finally{r(!1)}}return e`
    <main class="signin">
      <form class="card" onSubmit=${d} aria-labelledby="signin-title">
        <h1 id="signin-title">Виртуальный клиент</h1>
        <p class="muted">Войдите, чтобы звонить и смотреть звонки.</p>
        <div class="field"><label for="username">Имя пользователя</label>
          <input id="username" autocomplete="username" value=${t} onInput=${o=>l(o.target.value)} required /></div>
        ${$?e`<div class="field"><label for="new-password">Новый пароль</label>
              <input id="new-password" type="password" autocomplete="new-password" value=${m} onInput=${o=>v(o.target.value)} required /></div>`:e`<div class="field"><label for="password">Пароль</label>
              <input id="password" type="password" autocomplete="current-password" value=${i} onInput=${o=>c(o.target.value)} required /></div>`}
        <${_} error=${w} />
        <button type="submit" class="primary" disabled=${p}>${p?"\u0412\u0445\u043E\u0434\u0438\u043C\u2026":"\u0412\u043E\u0439\u0442\u0438"}</button>
      </form>
    </main>`}var Pe=[{id:"call",title:"\u0417\u0432\u043E\u043D\u043E\u043A",may:()=>!0},{id:"calls",title:"\u0417\u0432\u043E\u043D\u043A\u0438",may:()=>!0},{id:"batches",title:"\u041F\u0430\u043A\u0435\u0442\u044B",may:()=>!0},{id:"compare",title:"\u0421\u0440\u0430\u0432\u043D\u0435\u043D\u0438\u0435",may:()=>!0},{id:"settings",title:"\u041D\u0430\u0441\u0442\u0440\u043E\u0439\u043A\u0438",may:a=>a.permissions.includes("change_routing")}];function be(){let[a,t]=location.hash.replace(/^#\/?/,"").split("/");return{tab:a||"call",id:t||null}}function Ae(a){let[t,l]=s(null),[i,c]=s(null);return S(()=>{import("./compare-CRN2HVOJ.js").then(l).catch(()=>c({message:"\u041D\u0435 \u0443\u0434\u0430\u043B\u043E\u0441\u044C \u0437\u0430\u0433\u0440\u0443\u0437\u0438\u0442\u044C \u0441\u0442\u0440\u0430\u043D\u0438\u0446\u0443 \u0441\u0440\u0430\u0432\u043D\u0435\u043D\u0438\u044F."}))},[]),i?e`<${_} error=${i} />`:t?e`<${t.ComparePage} ...${a} />`:e`<p class="muted">Загрузка…</p>`}function ze(){let[a,t]=s(j()),[l,i]=s(null),[c,$]=s(null),[g,m]=s(be());S(()=>{H(()=>{t(null),i(null)});let r=()=>m(be());return addEventListener("hashchange",r),()=>removeEventListener("hashchange",r)},[]);async function v(){try{i(await k("GET","/me")),$(null)}catch(r){$(r)}}if(S(()=>{a&&v()},[a]),!a)return e`<${Le} onSignedIn=${()=>t(j())} />`;if(!l)return e`<main class="page">${c?e`<${_} error=${c} />`:e`<p class="muted">Загрузка…</p>`}</main>`;let w=Pe.filter(r=>r.may(l)),u=w.find(r=>r.id===g.tab)?g.tab:"call";function p(){R(null),t(null),i(null)}return e`
    <header class="top">
      <span class="brand">Виртуальный клиент</span>
      <nav aria-label="Разделы"><ul>
        ${w.map(r=>e`<li><a href=${`#/${r.id}`} aria-current=${r.id===u?"page":void 0}>${r.title}</a></li>`)}
      </ul></nav>
      <span class="who">${l.username} · ${V[l.role]||l.role}
        <button type="button" class="linklike" onClick=${p}>Выйти</button></span>
    </header>
    <main class="page">
      ${u==="call"&&e`<${ne} me=${l} />`}
      ${u==="calls"&&!g.id&&e`<${se} me=${l} />`}
      ${u==="calls"&&g.id&&e`<${ie} key=${g.id} callId=${g.id} />`}
      ${u==="batches"&&e`<${ue} key=${g.id||"new"} me=${l} batchId=${g.id} />`}
      ${u==="compare"&&e`<${Ae} key=${g.id||"form"} me=${l} batchId=${g.id} />`}
      ${u==="settings"&&e`<${me} onChanged=${v} />`}
    </main>`}q(e`<${ze} />`,document.getElementById("app"));
