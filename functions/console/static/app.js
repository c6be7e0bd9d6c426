(()=>{var x,Me,vt,H,ue,te,Oe,X,De,_e,de,bt,B=Symbol.for("pv"),ne={},oe=[],yt=/^m(i|n|o|s|text|space)$/,pe=Array.isArray,fe=oe.slice,F=Object.assign;function W(t){t&&t.parentNode&&t.remove()}function Le(t,e,n){var o,a,r,l={},s=arguments.length;for(r in e)r=="key"?o=e[r]:r=="ref"&&typeof t!="function"?a=e[r]:l[r]=e[r];return s>2&&(l.children=s>3?fe.call(arguments,2):n),q(t,l,o,a,null)}function q(t,e,n,o,a){var r={type:t,props:e,key:n,ref:o,__k:null,__:null,__b:0,__e:null,__c:null,constructor:B,__v:a||++Me,__i:-1,__u:0};return!a&&x.vnode&&x.vnode(r),r}function re(t){return t.children}function Z(t,e){this.props=t,this.context=e,this.__g=0}function j(t,e){if(e==null)return t.__&&j(t.__,t.__i+1);for(var n;e<t.__k.length;e++)if((n=t.__k[e])&&n.__e)return n.__e;return typeof t.type!="function"||t.props.__P?null:j(t)}function wt(t){var e,n=t.__v,o=n.__e,a=[],r=[],l=t.__P;l&&((e=F({constructor:B},n)).__v=n.__v+1,x.vnode&&x.vnode(e),me(l,e,n,t.__n,l.namespaceURI,32&n.__u?[o]:null,a,o||j(n),32&n.__u,r),e.__v=n.__v,e.__.__k[e.__i]=e,Re(a,e,r),n.__=n.__e=null,e.__e!=o&&Ae(e))}function Ae(t){if((t=t.__)&&t.__c&&!t.props.__P)return t.__e=null,t.__k.some(function(e){return e&&(t.__e=e.__e)}),Ae(t)}function Pe(t){(8&t.__g||(t.__g|=8,H.push(t),te++))&&ue==x.debounceRendering||((ue=x.debounceRendering)||queueMicrotask)(Ne)}function Ne(){try{for(var t,e=1;H.length;)H.length>e&&H.sort(Oe),t=H.shift(),e=H.length,8&t.__g&&wt(t)}finally{(te=H.length)&&(ue||queueMicrotask)(Ne)}}function Ue(t,e,n,o,a,r,l,s,f,g,c){var m,_,i,u,$,p,y=o.__k||oe,b=e.length;for(f=xt(n,e,y,f,b),m=0;m<b;m++)(i=n.__k[m])!=null&&(_=~i.__i&&y[i.__i]||ne,i.__i=m,p=me(t,i,_,a,r,l,s,f,g,c),u=i.__e,(_.ref!=i.ref||8&_.__u)&&(_.ref&&he(_.ref,null,i,_),i.ref&&c.push(i.ref,i.__c||u,i)),$=$||u,4&i.__u?(f=He(i,f,t,!_.__v),_.__e&&(_.__e=null)):typeof i.type=="function"&&p!==void 0?f=p:u&&(f=u.nextSibling),i.__u&=-21);return n.__e=$,f}function xt(t,e,n,o,a){var r,l,s,f,g,c,m,_,i,u=n.length,$=u,p=0,y=0,b=t.__k=Array(a);for(r=0;r<a;r++)(l=e[r])!=null&&typeof l!="boolean"&&typeof l!="function"?(typeof l!="object"||l.constructor===String?l=b[r]=q(null,l):pe(l)?l=b[r]=q(re,{children:l}):l.constructor===B&&l.__b?l=b[r]=q(l.type,l.props,l.key,l.ref,l.__v):b[r]=l,f=r+p,l.__=t,l.__b=t.__b+1,s=null,~(g=l.__i=kt(l,n,f,$))&&($--,(s=n[g])&&(s.__u|=2)),s&&s.__v?(l.__u|=16,g==f-1?p--:g==f+1?p++:g!=f&&(g>f?p--:p++,y=1)):(~g||(a>u?p--:a<u&&p++),typeof l.type!="function"&&(l.__u|=4))):b[r]=null;if(y){for(c=[],m=[],r=0;r<a;r++)if((l=b[r])&&16&l.__u){for(p=0,_=c.length;p<_;)c[i=p+_>>1]<l.__i?p=i+1:_=i;c[p]=l.__i,m[r]=p+1}for(p=c.length;r--;)m[r]&&(m[r]==p?p--:b[r].__u|=4)}if($)for(r=0;r<u;r++)!(s=n[r])||2&s.__u||(s.__e==o&&(o=j(s)),ge(s,s));return o}function He(t,e,n,o){var a,r,l,s;if(typeof t.type=="function"){if(t.props.__P)return e;if(a=t.__k)for(r=0;r<a.length;r++)a[r]&&(a[r].__=t,e=He(a[r],e,n,!1));return e}for(e&&!e.parentNode&&(e=j(t))&&!e.parentNode&&(e=null),l=t.__e,s=e;s&&s.nodeType==8;)s=s.nextSibling;for(l!=s&&(!o&&n.moveBefore&&l.parentNode?n.moveBefore(l,e):n.insertBefore(l,e||null)),e=l;(e=e&&e.nextSibling)&&e.nodeType==8&&!e.data.startsWith("$s"););return e}function kt(t,e,n,o){var a,r=t.key,l=t.type,s=e[n],f=s&&!(2&s.__u);if(s===null&&r==null||f&&r==s.key&&l==s.type)return n;if(o>(f?1:0)){for(a=n-1;a>=0;a--)if((s=e[a])&&!(2&s.__u)&&r==s.key&&l==s.type)return a;for(a=n+1;a<e.length;a++)if((s=e[a])&&!(2&s.__u)&&r==s.key&&l==s.type)return a}return-1}function Ie(t,e,n){n==null&&(n=""),e[0]=="-"?t.setProperty(e,n):t[e]=n}function Q(t,e,n,o,a){var r,l;if(e=="style")if(typeof n=="string")t.style.cssText=n;else{if(typeof o=="string"&&(t.style.cssText=o=""),o)for(e in o)n&&e in n||Ie(t.style,e);if(n)for(e in n)o&&n[e]==o[e]||Ie(t.style,e,n[e])}else if(e[0]=="o"&&e[1]=="n")typeof n!="function"&&(n=null),typeof o!="function"&&(o=null),(t.__e||(t.__e={}))[e]=n,n&&o||(l=de[e]||(de[e]=St(e)),(t.__a||(t.__a={}))[e]=_e,r=e!=(e=e.replace(De,"$1")),(e=e.slice(2))[0]<"a"&&(e=e.toLowerCase()),n?t.addEventListener(e,l,r):t.removeEventListener(e,l,r));else{if(a=="http://www.w3.org/2000/svg")e=e.replace(/xlink(H|:h)/,"h").replace(/sName$/,"s");else if(e!="width"&&e!="height"&&e!="href"&&e!="list"&&e!="form"&&e!="tabIndex"&&e!="download"&&e!="rowSpan"&&e!="colSpan"&&e!="role"&&e!="popover"&&e in t)try{return void(t[e]=n??"")}catch{}if(typeof n=="function")return;n==null||n===!1&&e[4]!="-"?t.removeAttribute(e):t.setAttribute(e,e=="popover"&&n==1?"":n)}}function St(t){return function(e){var n=this.__e;if(n){if(n=n[t],e[X]==null)e[X]=_e++;else if(e[X]<this.__a[t])return;return n(x.event?x.event(e):e)}}}function me(t,e,n,o,a,r,l,s,f,g){var c,m,_,i,u,$,p,y,b,w,h,M,N,k,E,K,U,z,D=e.type;if(e.constructor!==B)return null;128&n.__u&&(f=32&n.__u,c=n.__c.__z)&&(e.__u|=f,m=r=[],c.nodeType==8?s=ee(c,r):r.push(c),s=r[0]||s),(c=x.__b)&&c(e);e:if(typeof D=="function"){_=l.length;try{if(y=e.props,b=(c=D.prototype)&&c.render,w=(c=D.contextType)&&o[c.__c],h=c?w?w.props.value:c.__:o,(i=n.__c)?(e.__c=i,2&i.__g&&(i.__g|=1)):(b?e.__c=i=new D(y,h):(e.__c=i=new Z(y,h),i.constructor=D,i.render=Ct),w&&w.sub(i),i.state||(i.state={}),i.__n=o,i.__g|=8,i.__h=[],i.__k=[]),b&&(i.__s||(i.__s=i.state),D.getDerivedStateFromProps&&(i.__s==i.state&&(i.__s=F({},i.__s)),F(i.__s,D.getDerivedStateFromProps(y,i.__s)))),u=i.props,$=i.state,i.__v=e,n.__c){if(y!==u&&b&&!D.getDerivedStateFromProps&&i.componentWillReceiveProps&&i.componentWillReceiveProps(y,h),e.__v==n.__v&&!(8&i.__g)||!(4&i.__g)&&i.shouldComponentUpdate&&i.shouldComponentUpdate(y,i.__s,h)===!1){e.__v!=n.__v&&(i.props=y,i.state=i.__s,i.__g&=-9),e.__e=n.__e,e.__k=n.__k,e.__k.some(function(O){O&&(O.__=e)}),oe.push.apply(i.__h,i.__k),i.__k=[],i.__h.length&&l.push(i),s=j(n);break e}i.componentWillUpdate&&i.componentWillUpdate(y,i.__s,h),b&&i.componentDidUpdate&&i.__h.push(function(){i.componentDidUpdate(u,$,p)})}else b&&!D.getDerivedStateFromProps&&i.componentWillMount&&i.componentWillMount(),b&&i.componentDidMount&&i.__h.push(i.componentDidMount);i.context=h,i.props=y,i.__P=t,i.__g&=-5,M=x.__r,N=b?25:0;do i.__g&=-9,M&&M(e),c=i.render(i.props,i.state=i.__s,i.context);while(8&i.__g&&++N<25);b&&(oe.push.apply(i.__h,i.__k),i.__k=[]),i.state=i.__s,i.getChildContext&&(o=F({},o,i.getChildContext())),b&&n.__c&&i.getSnapshotBeforeUpdate&&(p=i.getSnapshotBeforeUpdate(u,$)),k=c&&c.type===re&&c.key==null?c.props.children:c,y.__P&&(c=s,a=(t=y.__P).namespaceURI,f=r=null,n.props&&n.props.__P!=t&&(n.__k.some(function(O){O&&ge(O,O)}),n.__k=null),s=n.__k?j(n,0):null),s=Ue(t,pe(k)?k:[k],e,n,o,a,r,l,s,f,g),y.__P&&(e.__e=null,s=c),e.__u&=-161,m&&m.some(W),i.__h.length&&l.push(i),1&i.__g&&(i.__g&=-4)}catch(O){if(l.length=_,e.__v=null,f||r)if(O&&O.then){if(e.__u|=128|f,r){for(~(U=r.indexOf(s||void 0))||(U=r.length);(z=r[U-1])&&z.nodeType==8;)U--;for(;U<r.length;U++)if(z=r[U])if(r[U]=null,E){if(z==K)break}else{if(z.nodeType!=8)break;z.data.startsWith("$s")&&(K=ee(E=z))}}if(!E){for(;s&&s.nodeType==8&&s.nextSibling;)s=s.nextSibling;E=s}(c=ee(E=e.__c.__z||(e.__c.__z=E)))?(e.__e=E,s=c):e.__e=s,s=s&&s.nextSibling}else r&&r.some(W);else e.__e=n.__e;e.__k||(e.__k=n.__k||[]),O&&O.then||je(e),x.__e(O,e,n)}}else s=e.__e=Tt(n.__e,e,n,o,a,r,l,f,g,t);return(c=x.diffed)&&c(e),s}function ee(t,e){if(t&&t.nodeType==8&&t.data.startsWith("$s"))for(var n=1;t=t.nextSibling;){if(t.nodeType==8){if(t.data.startsWith("$s"))n++;else if(t.data.startsWith("/$s")&&!--n)return t}e&&e.push(t)}}function je(t){t&&(t.__c&&(t.__c.__g|=4),t.__k&&t.__k.some(je))}function Re(t,e,n){for(var o=0;o<n.length;)he(n[o++],n[o++],n[o++]);x.__c&&x.__c(e,t),t.some(function(a){try{t=a.__h,a.__h=[],t.some(function(r){r.call(a)})}catch(r){x.__e(r,a.__v)}})}function Tt(t,e,n,o,a,r,l,s,f,g){var c,m,_,i,u,$,p,y,b=n.props||ne,w=e.props,h=e.type;if(h=="svg"?a="http://www.w3.org/2000/svg":h=="math"?a="http://www.w3.org/1998/Math/MathML":a||(a="http://www.w3.org/1999/xhtml"),r){for(c=0;c<r.length;c++)if((u=r[c])&&(h?u.localName==h:u.nodeType==3)){t=u,r[c]=null;break}}if(!t){if(y=g.ownerDocument||document,!h)return y.createTextNode(w);t=y.createElementNS(a,h,w.is?w:g),s&&(x.__m&&x.__m(e,r),s=!1),r=null}if(h){if(g=h=="template"&&t.content||t,r=h=="textarea"&&w.defaultValue!=null?null:r&&fe.call(g.childNodes),!s&&r)for(b={},c=0;c<t.attributes.length;c++)b[(u=t.attributes[c]).name]=u.value;for(c in b)u=b[c],c=="dangerouslySetInnerHTML"?_=u:c=="children"||c in w||c=="value"&&"defaultValue"in w||c=="checked"&&"defaultChecked"in w||Q(t,c,null,u,a);for(c in w)u=w[c],c=="children"?i=u:c=="dangerouslySetInnerHTML"?m=u:c=="value"?$=u:c=="checked"?p=u:s&&typeof u!="function"||b[c]===u||Q(t,c,u,b[c],a);m?(s||_&&(m.__html==_.__html||m.__html==t.innerHTML)||(t.innerHTML=m.__html),e.__k=[]):(_&&(t.textContent=""),(h=="foreignObject"||a=="http://www.w3.org/1998/Math/MathML"&&yt.test(h))&&(a="http://www.w3.org/1999/xhtml"),Ue(g,pe(i)?i:[i],e,n,o,a,r,l,r?r[0]:n.__k&&j(n,0),s,f),r&&r.some(W)),s&&h!="textarea"||(c="value",h=="progress"&&$==null?t.removeAttribute(c):$==null||$===t[c]&&(h!="progress"||$)||Q(t,c,$,b[c],a),c="checked",p!=null&&p!=t[c]&&Q(t,c,p,b[c],a))}else b===w||s&&t.data==w||(t.data=w);return t}function he(t,e,n,o){try{typeof t=="function"?e?e.__x=t(e)||1:o&&(o=o.__c||o.__e)&&(e=o.__x)&&(o.__x=null,typeof e=="function"?e():t(null)):t.current=e}catch(a){x.__e(a,n)}}function ge(t,e,n){var o,a,r,l;if(x.unmount&&x.unmount(t),!(o=t.ref)||o.current&&o.current!=t.__e||he(o,null,e,t),o=t.__c){if(o.componentWillUnmount)try{o.componentWillUnmount()}catch(s){x.__e(s,e)}o.__P=o.__n=null}if(o=t.__k)for(l=0;l<o.length;l++)o[l]&&ge(o[l],e,typeof t.type!="function"||n&&!t.props.__P);!n&&(o=t.__c)&&(o=o.__z)&&(a=ee(o,r=[]))&&(o==t.__e&&r.some(W),W(a),W(o)),n||W(t.__e),t.__e=t.__c=t.__=null}function Ct(t,e,n){return this.constructor(t,n)}function ze(t,e){var n,o,a,r;x.__&&x.__(t,e),e.nodeType==9&&(e=e.documentElement),o=(n=t&&32&t.__u)?null:e.__k,e.__k=q(re,{children:[t]}),a=[],r=[],me(e,e.__k,o||ne,ne,e.namespaceURI,o?null:e.firstChild?fe.call(e.childNodes):null,a,o?o.__e:e.firstChild,n,r),Re(a,e.__k,r),e.__k.props.children=null}x={__e:function(t,e,n,o){for(var a,r,l;e=e.__;)if((a=e.__c)&&!(1&a.__g)){a.__g|=4;try{if((l=(r=a.constructor)&&r.getDerivedStateFromError)&&a.setState(r.getDerivedStateFromError(t)),a.componentDidCatch&&(a.componentDidCatch(t,o||{}),l=1),l&&8&a.__g)return void(a.__g|=2)}catch(s){t=s}}throw te=0,t}},Me=0,vt=function(t){return t!=null&&t.constructor===B},Z.prototype.setState=function(t,e){var n=this.__s;n&&n!=this.state||(n=this.__s=F({},this.state)),typeof t=="function"&&(t=t(F({},n),this.props)),t&&(F(n,t),this.__v&&(e&&this.__k.push(e),Pe(this)))},Z.prototype.forceUpdate=function(t){this.__v&&(this.__g|=4,t&&this.__h.push(t),Pe(this))},Z.prototype.render=re,H=[],te=0,Oe=function(t,e){return t.__v.__b-e.__v.__b},X=Symbol(),De=/(PointerCapture)$|Capture$/i,_e=0,de={},bt=0;var G,T,$e,We,ve=Object.is,ae=0,Qe=[],be=[],S=x,Fe=S.__b,qe=S.__r,Be=S.diffed,Ve=S.__c,Ge=S.unmount,Je=S.__;function we(t,e){S.__h&&S.__h(T,t,ae||e),ae=0;var n=T.__H||(T.__H={__:[],__h:[]});return t>=n.__.length&&n.__.push({}),n.__[t]}function v(t){return ae=1,Et(Ze,t)}function Et(t,e,n){var o=we(G++,2);if(o.t=t,!o.__c&&(o.__=[n?n(e):Ze(void 0,e),function(r){var l=(o.__N||o.__)[0],s=o.t(l,r);ve(l,s)||(o.__N=[s,o.__[1]],o.__c.setState({}))}],o.__c=T,!T.__f)){T.__f=!0;var a=T.shouldComponentUpdate;T.shouldComponentUpdate=function(r,l,s){var f=this.__H;if(!f)return!0;var g=!1,c=this.props!=r;if(f.__.some(function(_){_.__N&&(g=!0,ve(_.__[0],_.__N[0])||(c=!0))}),a){var m=a.call(this,r,l,s);return g?m||c:m}return!g||c}}return o.__}function P(t,e){var n=we(G++,3);!S.__s&&Xe(n.__H,e)&&(n.__P=!0,n.__=t,n.u=e,T.__H.__h.push(n))}function J(t){return ae=5,Pt(function(){return{current:t}},[])}function Pt(t,e){var n=we(G++,7);return Xe(n.__H,e)&&(n.__=t(),n.__H=e),n.__}function It(){var t;do{for(;t=be.shift();)try{V(t)}catch(n){S.__e(n,{__:(t=t.__P)&&t.__v})}for(;t=Qe.shift();){var e=t.__H;if(t.__P&&e)try{e.__h.some(V),e.__h.some(ye),e.__h=[]}catch(n){e.__h=[],S.__e(n,t.__v)}}}while(be.length)}S.__b=function(t){T=null,Fe&&Fe(t)},S.__=function(t,e){t&&e.__k&&e.__k.__m&&(t.__m=e.__k.__m),Je&&Je(t,e)},S.__r=function(t){qe&&qe(t),G=0;var e=(T=t.__c).__H;e&&($e==T?T.__h=[]:(e.__h.some(V),e.__h.some(ye),G=0),e.__h=[],e.__.some(function(n){n.__N&&(n.__=n.__N),n.u=n.__N=void 0})),$e=T},S.diffed=function(t){Be&&Be(t);var e=t.__c;e&&e.__H&&(e.__H.__h.length&&Ke(Qe.push(e)),e.__H.__.some(function(n){n.u&&(n.__H=n.u)})),$e=T=null},S.__c=function(t,e){e.some(function(n){try{n.__h.some(V),n.__h=n.__h.filter(function(o){return!o.__||ye(o)})}catch(o){n.__h=[function(){throw o}]}}),Ve&&Ve(t,e)},S.unmount=function(t){Ge&&Ge(t);var e,n,o=t.__c;o&&o.__H&&(o.__H.__.some(function(a){try{if(a.__P&&a.__c){if(n===void 0){for(n=t.__;n&&(!n.__c||!n.__c.__P);)n=n.__;n=n&&n.__c}a.__P=n,Ke(be.push(a))}else V(a)}catch(r){e=r}}),o.__H=void 0,e&&S.__e(e,o.__v))};var Ye=typeof requestAnimationFrame=="function";function Mt(t){var e,n=function(){clearTimeout(o),Ye&&cancelAnimationFrame(e),setTimeout(t)},o=setTimeout(n,35);Ye&&(e=requestAnimationFrame(n))}function Ke(t){t!=1&&We==S.requestAnimationFrame||((We=S.requestAnimationFrame)||Mt)(It)}function V(t){var e=T,n=t.__c;typeof n=="function"&&(t.__c=void 0,n()),T=e}function ye(t){var e=T;t.__c=t.__(),T=e}function Xe(t,e){return!t||t.length!=e.length||e.some(function(n,o){return!ve(n,t[o])})}function Ze(t,e){return typeof e=="function"?e(t):e}var et=document.getElementById("app"),Ot=et&&et.dataset.base||"/console",Dt=`${Ot}/api`,xe="vclient.console.session";function ce(){try{return JSON.parse(sessionStorage.getItem(xe)||"null")}catch{return null}}function Y(t){t?sessionStorage.setItem(xe,JSON.stringify(t)):sessionStorage.removeItem(xe)}var tt={sign_in_failed:"\u041D\u0435\u0432\u0435\u0440\u043D\u043E\u0435 \u0438\u043C\u044F \u043F\u043E\u043B\u044C\u0437\u043E\u0432\u0430\u0442\u0435\u043B\u044F \u0438\u043B\u0438 \u043F\u0430\u0440\u043E\u043B\u044C.",new_password_required:"\u0417\u0430\u0434\u0430\u0439\u0442\u0435 \u043D\u043E\u0432\u044B\u0439 \u043F\u0430\u0440\u043E\u043B\u044C, \u0447\u0442\u043E\u0431\u044B \u0432\u043E\u0439\u0442\u0438.",password_rejected:"\u041F\u0430\u0440\u043E\u043B\u044C \u043D\u0435 \u043F\u043E\u0434\u0445\u043E\u0434\u0438\u0442: \u043D\u0435 \u043A\u043E\u0440\u043E\u0447\u0435 12 \u0441\u0438\u043C\u0432\u043E\u043B\u043E\u0432, \u0441\u0442\u0440\u043E\u0447\u043D\u044B\u0435 \u0438 \u0437\u0430\u0433\u043B\u0430\u0432\u043D\u044B\u0435 \u0431\u0443\u043A\u0432\u044B \u0438 \u0446\u0438\u0444\u0440\u0430.",unauthorized:"\u0421\u0435\u0441\u0441\u0438\u044F \u0438\u0441\u0442\u0435\u043A\u043B\u0430 \u2014 \u0432\u043E\u0439\u0434\u0438\u0442\u0435 \u0441\u043D\u043E\u0432\u0430.",role_forbidden:"\u0412\u0430\u0448\u0435\u0439 \u0440\u043E\u043B\u0438 \u044D\u0442\u043E \u043D\u0435 \u0440\u0430\u0437\u0440\u0435\u0448\u0435\u043D\u043E.",destination_not_allowed:"\u042D\u0442\u043E\u0442 \u043D\u043E\u043C\u0435\u0440 \u043D\u0435 \u0432\u0445\u043E\u0434\u0438\u0442 \u0432 \u0440\u0430\u0437\u0440\u0435\u0448\u0451\u043D\u043D\u044B\u0435 \u043D\u0430\u043F\u0440\u0430\u0432\u043B\u0435\u043D\u0438\u044F.",validation_error:"\u041F\u0440\u043E\u0432\u0435\u0440\u044C\u0442\u0435 \u043F\u043E\u043B\u0435",invalid_json:"\u0417\u0430\u043F\u0440\u043E\u0441 \u043D\u0435 \u0440\u0430\u0437\u043E\u0431\u0440\u0430\u043D \u0441\u0435\u0440\u0432\u0435\u0440\u043E\u043C.",not_found:"\u041D\u0435 \u043D\u0430\u0439\u0434\u0435\u043D\u043E.",conflict:"\u0421\u0435\u0439\u0447\u0430\u0441 \u044D\u0442\u043E \u043D\u0435\u0432\u043E\u0437\u043C\u043E\u0436\u043D\u043E",voximplant_error:"Voximplant \u043E\u0442\u043A\u0430\u0437\u0430\u043B \u0432 \u0437\u0432\u043E\u043D\u043A\u0435",voximplant_unavailable:"Voximplant \u0441\u0435\u0439\u0447\u0430\u0441 \u043D\u0435\u0434\u043E\u0441\u0442\u0443\u043F\u0435\u043D, \u043F\u043E\u043F\u0440\u043E\u0431\u0443\u0439\u0442\u0435 \u043F\u043E\u0437\u0436\u0435.",voximplant_timeout:"Voximplant \u043D\u0435 \u043E\u0442\u0432\u0435\u0442\u0438\u043B \u0432\u043E\u0432\u0440\u0435\u043C\u044F; \u0437\u0432\u043E\u043D\u043E\u043A \u043C\u043E\u0433 \u043D\u0430\u0447\u0430\u0442\u044C\u0441\u044F.",configuration_error:"\u0421\u0442\u0435\u043D\u0434 \u043D\u0430\u0441\u0442\u0440\u043E\u0435\u043D \u043D\u0435 \u043F\u043E\u043B\u043D\u043E\u0441\u0442\u044C\u044E",openai_not_configured:"\u041D\u0435 \u043D\u0430\u0441\u0442\u0440\u043E\u0435\u043D \u043A\u043B\u044E\u0447 OpenAI.",payload_too_large:"\u0421\u043B\u0438\u0448\u043A\u043E\u043C \u0431\u043E\u043B\u044C\u0448\u043E\u0439 \u0437\u0430\u043F\u0440\u043E\u0441.",gateway_error:"\u041E\u0448\u0438\u0431\u043A\u0430 \u0448\u043B\u044E\u0437\u0430 API.",route_not_found:"\u041D\u0435\u0442 \u0442\u0430\u043A\u043E\u0433\u043E \u0430\u0434\u0440\u0435\u0441\u0430 API.",internal_error:"\u041E\u0448\u0438\u0431\u043A\u0430 \u043D\u0430 \u0441\u0442\u043E\u0440\u043E\u043D\u0435 \u0441\u0435\u0440\u0432\u0435\u0440\u0430; \u043E\u043D\u0430 \u0437\u0430\u043F\u0438\u0441\u0430\u043D\u0430 \u0432 \u0436\u0443\u0440\u043D\u0430\u043B."},Lt=new Set(["validation_error","conflict","voximplant_error","configuration_error"]),le=class extends Error{constructor(e,n){let o=n&&n.code||"network",a=tt[o]||(e===0?"\u041D\u0435\u0442 \u0441\u0432\u044F\u0437\u0438 \u0441 \u0441\u0435\u0440\u0432\u0435\u0440\u043E\u043C.":`\u041E\u0448\u0438\u0431\u043A\u0430 ${e}.`);super(a),this.status=e,this.code=o,this.field=n&&n.field,this.detail=Lt.has(o)||!tt[o]?n&&n.message:"",this.body=n||{}}},nt=()=>{};function ot(t){nt=t}async function se(t,e,n,o){let a={Accept:"application/json"};n!==void 0&&(a["Content-Type"]="application/json"),o&&(a.Authorization=o),t==="POST"&&e==="/call"&&(a["Idempotency-Key"]=crypto.randomUUID?crypto.randomUUID():String(Date.now())+Math.random());let r;try{r=await fetch(Dt+e,{method:t,headers:a,body:n===void 0?void 0:JSON.stringify(n)})}catch{throw new le(0,null)}let l=null;try{l=await r.json()}catch{l=null}if(!r.ok)throw new le(r.status,l);return l}var ie=null;async function At(t){return!t||!t.refresh_token?null:(ie=ie||se("POST","/session",{refresh_token:t.refresh_token}).then(e=>{let n={...t,...e,refresh_token:e.refresh_token||t.refresh_token};return Y(n),n}).catch(()=>null).finally(()=>{ie=null}),ie)}async function I(t,e,n){let o=ce();try{return await se(t,e,n,o&&o.id_token)}catch(a){if(a.status!==401)throw a;let r=await At(o);if(!r)throw Y(null),nt(),a;return se(t,e,n,r.id_token)}}function rt(t){return se("POST","/session",t)}var it=function(t,e,n,o){var a;e[0]=0;for(var r=1;r<e.length;r++){var l=e[r++],s=e[r]?(e[0]|=l?1:2,n[e[r++]]):e[++r];l===3?o[0]=s:l===4?o[1]=Object.assign(o[1]||{},s):l===5?(o[1]=o[1]||{})[e[++r]]=s:l===6?o[1][e[++r]]+=s+"":l?(a=t.apply(s,it(t,s,n,["",null])),o.push(a),s[0]?e[0]|=2:(e[r-2]=0,e[r]=a)):o.push(s)}return o},at=new Map;function lt(t){var e=at.get(this);return e||(e=new Map,at.set(this,e)),(e=it(this,e.get(t)||(e.set(t,e=(function(n){for(var o,a,r=1,l="",s="",f=[0],g=function(_){r===1&&(_||(l=l.replace(/^\s*\n\s*|\s*\n\s*$/g,"")))?f.push(0,_,l):r===3&&(_||l)?(f.push(3,_,l),r=2):r===2&&l==="..."&&_?f.push(4,_,0):r===2&&l&&!_?f.push(5,0,!0,l):r>=5&&((l||!_&&r===5)&&(f.push(r,0,l,a),r=6),_&&(f.push(r,_,0,a),r=6)),l=""},c=0;c<n.length;c++){c&&(r===1&&g(),g(c));for(var m=0;m<n[c].length;m++)o=n[c][m],r===1?o==="<"?(g(),f=[f],r=3):l+=o:r===4?l==="--"&&o===">"?(r=1,l=""):l=o+l[0]:s?o===s?s="":l+=o:o==='"'||o==="'"?s=o:o===">"?(g(),r=1):r&&(o==="="?(r=5,a=l,l=""):o==="/"&&(r<5||n[c][m+1]===">")?(g(),r===3&&(f=f[0]),r=f,(f=f[0]).push(2,0,r),r=0):o===" "||o==="	"||o===`
`||o==="\r"?(g(),r=2):l+=o),r===3&&l==="!--"&&(r=4,f=f[0])}return g(),f})(t)),e),arguments,[])).length>1?e:e[0]}var d=lt.bind(Le),R=[{id:"dialog",label:"\u041D\u0430\u0448 LLM"},{id:"realtime",label:"OpenAI Realtime (\u0433\u0438\u0431\u0440\u0438\u0434)"},{id:"realtime_pure",label:"OpenAI Realtime (\u0447\u0438\u0441\u0442\u044B\u0439, \u0442\u043E\u043B\u044C\u043A\u043E \u043F\u0440\u043E\u043C\u043F\u0442)"}],L=t=>(R.find(e=>e.id===t)||{label:t}).label,st={admin:"\u0430\u0434\u043C\u0438\u043D\u0438\u0441\u0442\u0440\u0430\u0442\u043E\u0440",trainer:"\u0442\u0440\u0435\u043D\u0435\u0440",viewer:"\u043D\u0430\u0431\u043B\u044E\u0434\u0430\u0442\u0435\u043B\u044C"};function C({error:t,id:e}){if(!t)return null;let n=t.detail&&t.detail!==t.message?` (${t.detail})`:"";return d`<p class="error" id=${e} role="alert">${t.message}${n}</p>`}var Nt=/^\+[1-9]\d{7,14}$/,Ut=700,ct=["\u043D\u0430\u0431\u043E\u0440","\u0437\u0432\u043E\u043D\u043E\u043A","\u0440\u0430\u0437\u0433\u043E\u0432\u043E\u0440","\u0437\u0430\u0432\u0435\u0440\u0448\u0451\u043D"],ke=new Set(["completed","failed","no_answer","busy","rejected"]),Se={completed:"\u0440\u0430\u0437\u0433\u043E\u0432\u043E\u0440 \u0441\u043E\u0441\u0442\u043E\u044F\u043B\u0441\u044F",failed:"\u043E\u0448\u0438\u0431\u043A\u0430",no_answer:"\u043D\u0435 \u043E\u0442\u0432\u0435\u0442\u0438\u043B\u0438",busy:"\u0437\u0430\u043D\u044F\u0442\u043E",rejected:"\u043E\u0442\u043A\u043B\u043E\u043D\u0451\u043D"},Te={end_call:"\u043A\u043B\u0438\u0435\u043D\u0442 \u043F\u043E\u043F\u0440\u043E\u0449\u0430\u043B\u0441\u044F",operator_hangup:"\u043E\u043F\u0435\u0440\u0430\u0442\u043E\u0440 \u043F\u043E\u043B\u043E\u0436\u0438\u043B \u0442\u0440\u0443\u0431\u043A\u0443",max_duration:"\u0438\u0441\u0442\u0435\u043A\u043B\u043E \u0432\u0440\u0435\u043C\u044F \u0437\u0432\u043E\u043D\u043A\u0430",silence:"\u0434\u043E\u043B\u0433\u043E\u0435 \u043C\u043E\u043B\u0447\u0430\u043D\u0438\u0435",backend_error:"\u043E\u0448\u0438\u0431\u043A\u0430 \u0431\u044D\u043A\u0435\u043D\u0434\u0430",socket_closed:"OpenAI \u0437\u0430\u043A\u0440\u044B\u043B \u0441\u043E\u0435\u0434\u0438\u043D\u0435\u043D\u0438\u0435",failed:"\u0441\u0431\u043E\u0439 \u0441\u0446\u0435\u043D\u0430\u0440\u0438\u044F",stopped:"\u0437\u0430\u0432\u0435\u0440\u0448\u0451\u043D \u0438\u0437 \u043A\u043E\u043D\u0441\u043E\u043B\u0438"};function Ht(t){return ke.has(t)?3:t==="connected"?2:t==="ringing"?1:0}function jt(t,e){return t?Nt.test(t)?e&&!e.some(n=>t.startsWith(n))?`\u042D\u0442\u043E\u0442 \u043D\u043E\u043C\u0435\u0440 \u043D\u0435 \u0440\u0430\u0437\u0440\u0435\u0448\u0451\u043D: \u0437\u0432\u043E\u043D\u0438\u0442\u044C \u043C\u043E\u0436\u043D\u043E \u0442\u043E\u043B\u044C\u043A\u043E \u043D\u0430 ${e.join(", ")}.`:"":"\u041D\u043E\u043C\u0435\u0440 \u0432 \u0444\u043E\u0440\u043C\u0430\u0442\u0435 E.164: \xAB+\xBB, \u043A\u043E\u0434 \u0441\u0442\u0440\u0430\u043D\u044B \u0438 \u0446\u0438\u0444\u0440\u044B, \u043D\u0430\u043F\u0440\u0438\u043C\u0435\u0440 +79161234567.":"\u0412\u0432\u0435\u0434\u0438\u0442\u0435 \u043D\u043E\u043C\u0435\u0440."}function Rt({me:t,persona:e,setPersona:n}){let[o,a]=v(""),[r,l]=v(null),[s,f]=v(null),g=J(null),c=e.kind==="yaml";async function m(u){f(null);try{let $=await I("POST","/persona/check",{yaml:u});l($),n($.ok?{kind:"yaml",value:$.persona,ok:!0}:{kind:"yaml",ok:!1})}catch($){f($),n({kind:"yaml",ok:!1})}}P(()=>{if(!c||!o.trim())return;let u=setTimeout(()=>m(o),400);return()=>clearTimeout(u)},[o,c]);function _(u){let $=g.current;if(!$||!u)return;let p=$.value.split(`
`),y=p.slice(0,u-1).reduce((b,w)=>b+w.length+1,0);$.focus(),$.setSelectionRange(y,y+(p[u-1]||"").length)}async function i(u){let $=u.target.files&&u.target.files[0];$&&a(await $.text())}return d`
    <div class="field">
      <label for="persona">Персона</label>
      <select id="persona" value=${c?"__yaml":e.value}
        onChange=${u=>u.target.value==="__yaml"?n({kind:"yaml",ok:!1}):n({kind:"bundled",value:u.target.value,ok:!0})}>
        ${t.personas.map(u=>d`<option value=${u.id}>${u.name} (${u.id})</option>`)}
        <option value="__yaml">Своя: вставить или загрузить YAML</option>
      </select>
      ${c&&d`
        <div class="yaml">
          <textarea ref=${g} id="persona-yaml" rows="12" spellcheck="false" aria-label="Персона в YAML"
            aria-describedby="persona-check" placeholder="id: my_persona&#10;name: Иван&#10;…"
            value=${o} onInput=${u=>a(u.target.value)}></textarea>
          <label class="upload">Загрузить файл <input type="file" accept=".yaml,.yml,text/yaml" onChange=${i} /></label>
          <div id="persona-check" aria-live="polite">
            ${r&&r.ok&&d`<p class="ok">Персона в порядке: ${r.name} (${r.id}).</p>`}
            ${r&&!r.ok&&d`
              <ul class="problems">
                ${r.problems.map(u=>d`<li>
                  <button type="button" class="linklike" onClick=${()=>_(u.line)}>
                    ${u.line?`\u0441\u0442\u0440\u043E\u043A\u0430 ${u.line}`:"\u0444\u0430\u0439\u043B"}</button>${u.field?` \u2014 ${u.field}`:""}: ${u.message}</li>`)}
              </ul>`}
            <${C} error=${s} />
          </div>
        </div>`}
    </div>`}function zt({start:t,onAgain:e,canStop:n}){let[o,a]=v(null),[r,l]=v(null),[s,f]=v(null),[g,c]=v(!1),m=J(null),_=o?o.status:t.status,i=ke.has(_);P(()=>{let h=!0,M=null;async function N(){try{let k=await I("GET",`/call/${t.call_id}`);if(!h||(a(k),l(null),ke.has(k.status)))return}catch(k){if(!h)return;l(k)}M=setTimeout(N,Ut)}return N(),()=>{h=!1,clearTimeout(M)}},[t.call_id]);let u=o&&o.transcript||[];P(()=>{let h=m.current;h&&h.scrollHeight-h.scrollTop-h.clientHeight<120&&(h.scrollTop=h.scrollHeight)},[u.length]);async function $(){c(!0),f(null);try{await I("POST",`/call/${t.call_id}/hangup`,{})}catch(h){f(h),c(!1)}}let p={};for(let h of o&&o.turns||[])p[h.turn]=h.voice_to_voice_ms;let y=u.length?u[0].t:0,b=Ht(_),w=i?`${Se[_]||_}${o&&o.end_reason?`, ${Te[o.end_reason]||o.end_reason}`:""}`:"";return d`
    <section class="live" aria-labelledby="live-title">
      <h2 id="live-title">Звонок ${L(t.engine)}</h2>
      <p class="muted">Идентификатор звонка: <code>${t.call_id}</code></p>
      <ol class="steps" aria-label="Статус звонка">
        ${ct.map((h,M)=>d`<li class=${M<b?"past":M===b?"now":""} aria-current=${M===b?"step":void 0}>${h}</li>`)}
      </ol>
      <p class="status" role="status" data-status=${_}>Статус: <strong>${ct[b]}</strong>${w&&d` — ${w}`}</p>
      <${C} error=${r} />
      <ol class="transcript" ref=${m} aria-live="polite" aria-label="Расшифровка">
        ${u.length===0&&d`<li class="muted placeholder">Реплики появятся здесь, как только начнётся разговор.</li>`}
        ${u.map(h=>d`
          <li class=${`line ${h.who}`}>
            <span class="time">${Ce(h.t-y)}</span>
            <span class="who">${h.who==="client"?"\u041A\u043B\u0438\u0435\u043D\u0442":"\u041E\u043F\u0435\u0440\u0430\u0442\u043E\u0440"}</span>
            <span class="text">${h.text}${h.cut?d` <em class="tag">перебит</em>`:""}${h.barge_in?d` <em class="tag">перебивает</em>`:""}</span>
            <span class="v2v" title="голос-в-голос: конец речи оператора → первый звук клиента">${h.who==="client"&&p[h.turn]!=null?`${p[h.turn]} \u043C\u0441`:""}</span>
          </li>`)}
      </ol>
      <p class="muted summary">${Wt(o)}</p>
      <div class="actions">
        ${!i&&n&&d`<button type="button" class="danger" onClick=${$} disabled=${g}>${g?"\u0417\u0430\u0432\u0435\u0440\u0448\u0430\u0435\u043C\u2026":"\u0417\u0430\u0432\u0435\u0440\u0448\u0438\u0442\u044C"}</button>`}
        ${i&&d`<button type="button" onClick=${e}>Новый звонок</button>
          <a class="button-like" href=${`#/calls/${t.call_id}`}>Разбор звонка</a>`}
      </div>
      <${C} error=${s} />
    </section>`}var ut=t=>t==null?"\u2014":`${t} \u043C\u0441`;function Wt(t){let e=t&&t.summary;return!e||!e.voice_to_voice_ms?"\xA0":`\u0413\u043E\u043B\u043E\u0441-\u0432-\u0433\u043E\u043B\u043E\u0441: p50 ${ut(e.voice_to_voice_ms.p50)}, p95 ${ut(e.voice_to_voice_ms.p95)}; \u0445\u043E\u0434\u043E\u0432: ${e.turns}`}function Ce(t){let e=Math.max(0,Math.round(t/1e3));return`${String(Math.floor(e/60)).padStart(2,"0")}:${String(e%60).padStart(2,"0")}`}function dt({me:t}){let e=t.permissions.includes("place_calls"),[n,o]=v(""),[a,r]=v(!1),[l,s]=v(t.default_engine),[f,g]=v({kind:"bundled",value:(t.personas[0]||{}).id,ok:!0}),[c,m]=v(""),[_,i]=v(""),[u,$]=v(null),[p,y]=v(!1),[b,w]=v(null);P(()=>s(t.default_engine),[t.default_engine]);let h=jt(n.trim(),t.allowed_prefixes);async function M(k){if(k.preventDefault(),r(!0),!h){if(!f.ok){$({message:"\u041F\u0435\u0440\u0441\u043E\u043D\u0430 \u043D\u0435 \u043F\u0440\u043E\u0448\u043B\u0430 \u043F\u0440\u043E\u0432\u0435\u0440\u043A\u0443: \u0438\u0441\u043F\u0440\u0430\u0432\u044C\u0442\u0435 \u043E\u0448\u0438\u0431\u043A\u0438 \u0432 YAML \u0432\u044B\u0448\u0435."});return}y(!0),$(null);try{let E={};c.trim()&&(E.trainee=c.trim()),_.trim()&&(E.team=_.trim());let K={to:n.trim(),scenario:l,persona:f.value,labels:E};w(await I("POST","/call",K))}catch(E){$(E)}finally{y(!1)}}}if(b)return d`<${zt} start=${b} canStop=${e} onAgain=${()=>w(null)} />`;let N=u&&u.field;return d`
    <form class="card" onSubmit=${M} novalidate aria-labelledby="call-title">
      <h2 id="call-title">Звонок</h2>
      <div class="field">
        <label for="to">Номер оператора</label>
        <input id="to" type="tel" inputmode="tel" autocomplete="off" placeholder="+79161234567" value=${n}
          aria-invalid=${a&&h?"true":"false"} aria-describedby="to-error"
          onInput=${k=>o(k.target.value)} onBlur=${()=>r(!0)} />
        ${a&&h&&d`<p class="error" id="to-error">${h}</p>`}
        ${N==="to"&&d`<${C} error=${u} id="to-error" />`}
      </div>
      <fieldset class="field">
        <legend>Движок</legend>
        ${R.map(k=>d`
          <label class="radio"><input type="radio" name="engine" value=${k.id} checked=${l===k.id}
            onChange=${()=>s(k.id)} /> ${k.label}${k.id===t.default_engine?d` <span class="muted">(по умолчанию)</span>`:""}</label>`)}
      </fieldset>
      <${Rt} me=${t} persona=${f} setPersona=${g} />
      <div class="field pair">
        <div><label for="trainee">Стажёр (метка trainee)</label>
          <input id="trainee" value=${c} maxlength="100" onInput=${k=>m(k.target.value)} /></div>
        <div><label for="team">Команда (метка team)</label>
          <input id="team" value=${_} maxlength="100" onInput=${k=>i(k.target.value)} /></div>
      </div>
      ${u&&N!=="to"&&d`<${C} error=${u} />`}
      ${e?d`<button type="submit" class="primary" disabled=${p}>${p?"\u0417\u0432\u043E\u043D\u0438\u043C\u2026":"\u041F\u043E\u0437\u0432\u043E\u043D\u0438\u0442\u044C"}</button>`:d`<p class="note" id="viewer-note">Ваша роль — ${t.role==="viewer"?"\u043D\u0430\u0431\u043B\u044E\u0434\u0430\u0442\u0435\u043B\u044C":t.role}: звонить могут тренеры и администраторы.</p>`}
    </form>`}var Ft=["starting","dialing","ringing","connected","completed","failed","no_answer","busy","rejected"],Ee={starting:"\u043D\u0430\u0431\u043E\u0440",dialing:"\u043D\u0430\u0431\u043E\u0440",ringing:"\u0437\u0432\u043E\u043D\u043E\u043A",connected:"\u0440\u0430\u0437\u0433\u043E\u0432\u043E\u0440",...Se},pt=t=>t?t.slice(0,19).replace("T"," "):"\u2014",ft=t=>t==null?"\u2014":`${Math.round(t/1e3)} \u0441`,A=t=>t==null?"\u2014":`${t} \u043C\u0441`;function qt(t,e){let n=new URLSearchParams;for(let o of["engine","persona","status"])t[o]&&n.set(o,t[o]);for(let[o,a]of[["trainee",t.trainee],["team",t.team]])a&&a.trim()&&n.append("label",`${o}:${a.trim()}`);return t.since&&n.set("since",t.since),t.until&&n.set("until",t.until),n.set("limit","20"),e&&n.set("cursor",e),n.toString()}function mt({me:t}){let[e,n]=v({engine:"",persona:"",status:"",trainee:"",team:"",since:"",until:""}),[o,a]=v(e),[r,l]=v([null]),[s,f]=v(null),[g,c]=v(null),[m,_]=v(!1),i=r[r.length-1];P(()=>{let p=!0;return _(!0),I("GET",`/calls?${qt(o,i)}`).then(y=>{p&&(f(y),c(null))}).catch(y=>{p&&c(y)}).finally(()=>{p&&_(!1)}),()=>{p=!1}},[o,i]);let u=p=>y=>n({...e,[p]:y.target.value});function $(p){p.preventDefault(),a(e),l([null])}return d`
    <section class="card" aria-labelledby="calls-title">
      <h2 id="calls-title">Звонки</h2>
      <form class="filters" onSubmit=${$} aria-label="Фильтры">
        <label>Движок<select value=${e.engine} onChange=${u("engine")}>
          <option value="">все</option>${R.map(p=>d`<option value=${p.id}>${p.label}</option>`)}</select></label>
        <label>Персона<select value=${e.persona} onChange=${u("persona")}>
          <option value="">все</option>${t.personas.map(p=>d`<option value=${p.id}>${p.name}</option>`)}</select></label>
        <label>Статус<select value=${e.status} onChange=${u("status")}>
          <option value="">все</option>${Ft.map(p=>d`<option value=${p}>${Ee[p]||p} (${p})</option>`)}</select></label>
        <label>Стажёр<input value=${e.trainee} onInput=${u("trainee")} /></label>
        <label>Команда<input value=${e.team} onInput=${u("team")} /></label>
        <label>С даты<input type="date" value=${e.since} onInput=${u("since")} /></label>
        <label>По дату (не включая)<input type="date" value=${e.until} onInput=${u("until")} /></label>
        <button type="submit" class="primary">Показать</button>
      </form>
      <${C} error=${g} />
      <div class="table-wrap"><table class="calls" aria-busy=${m?"true":"false"}>
        <thead><tr><th scope="col">Начат (UTC)</th><th scope="col">Движок</th><th scope="col">Персона</th>
          <th scope="col">Метки</th><th scope="col">Статус</th><th scope="col">Длит.</th><th scope="col">v2v p50</th><th scope="col">Оценка</th></tr></thead>
        <tbody>
          ${s&&s.calls.length===0&&d`<tr><td colspan="8" class="muted">Звонков с такими условиями нет.</td></tr>`}
          ${s&&s.calls.map(p=>d`<tr>
            <td><a href=${`#/calls/${p.call_id}`}>${pt(p.created_at)}</a></td>
            <td>${L(p.engine)}</td><td>${p.persona||"\u2014"}</td>
            <td>${Object.entries(p.labels||{}).map(([y,b])=>d`<span class="badge">${y}: ${b}</span> `)}</td>
            <td>${Ee[p.status]||p.status}</td><td>${ft(p.duration_ms)}</td>
            <td>${A(p.voice_to_voice_p50_ms)}</td>
            <td>${p.evaluation&&p.evaluation.operator_score!=null?`${p.evaluation.operator_score}/100`:"\u2014"}</td>
          </tr>`)}
        </tbody>
      </table></div>
      <nav class="pager" aria-label="Страницы">
        <button type="button" disabled=${r.length<2} onClick=${()=>l(r.slice(0,-1))}>Назад</button>
        <span class="muted">Страница ${r.length}</span>
        <button type="button" disabled=${!s||!s.next_cursor} onClick=${()=>l([...r,s.next_cursor])}>Дальше</button>
      </nav>
    </section>`}function _t({q:t,jump:e}){return d`<button type="button" class="quote" onClick=${()=>e(t)}>«${t.text}»</button>`}function Bt({evaluation:t,jump:e}){if(!t)return d`<p class="muted">Оценки этого звонка пока нет.</p>`;if(t.status==="failed")return d`<p class="error">Оценка не удалась: ${t.reason}</p>`;let n=t.operator,o=t.cost;return d`
    ${n&&d`
      <p><strong>Оператор: ${n.score}/100</strong> (${n.level})${n.raw_score!==n.score?d` <span class="muted">до штрафов ${n.raw_score}</span>`:""}</p>
      <div class="table-wrap"><table class="scorecard">
        <thead><tr><th scope="col">Пункт</th><th scope="col">Итог</th><th scope="col">Цитаты</th></tr></thead>
        <tbody>${n.checklist.map(a=>d`<tr>
          <td>${a.question}${a.critical?d` <span class="badge">критичный</span>`:""}</td>
          <td class=${`verdict ${a.status}`}>${a.status}${a.note?d`<br /><span class="muted">${a.note}</span>`:""}</td>
          <td>${a.quotes.map(r=>d`<${_t} q=${r} jump=${e} />`)}</td></tr>`)}</tbody>
      </table></div>
      ${n.issues.length>0&&d`<h4>Замечания</h4><ul>${n.issues.map(a=>d`<li><strong>${a.title}</strong> — ${a.recommendation}
        ${a.quotes.map(r=>d` <${_t} q=${r} jump=${e} />`)}</li>`)}</ul>`}`}
    <p>Верность персоне (клиент): <strong>${t.client.fidelity??"\u2014"}</strong>${t.client.fidelity!=null?"/100":""}</p>
    <p>Стоимость: <strong>${typeof o.total_usd=="number"?`$${o.total_usd.toFixed(4)}`:`\u043D\u0435\u0438\u0437\u0432\u0435\u0441\u0442\u043D\u0430 (\u0438\u0437\u0432\u0435\u0441\u0442\u043D\u0430\u044F \u0447\u0430\u0441\u0442\u044C $${o.known_usd.toFixed(4)})`}</strong>
      <span class="muted"> цены на ${o.pricing_as_of}</span></p>`}function Vt({turns:t}){if(!t.length)return d`<p class="muted">Замеров по ходам нет.</p>`;let e=Math.max(...t.map(n=>n.voice_to_voice_ms||0),1);return d`
    <p class="muted">Конец речи оператора → запрос реплики → ответ бэкенда → первый звук клиента. Полоса — голос-в-голос;
      тёмная часть — запрос и ответ реплики (из них бэкенд и LLM), светлая — остальное (распознавание, синтез, сеть).</p>
    <ol class="timeline">${t.map(n=>{let o=n.voice_to_voice_ms,a=n.reply_roundtrip_ms;return d`<li>
        <span class="turn">ход ${n.turn}</span>
        <span class="bar" role="img" aria-label=${`\u0433\u043E\u043B\u043E\u0441-\u0432-\u0433\u043E\u043B\u043E\u0441 ${A(o)}, \u0440\u0435\u043F\u043B\u0438\u043A\u0430 ${A(a)}`}>
          ${o!=null&&d`<span class="whole" style=${`width:${100*o/e}%`}>
            ${a!=null&&d`<span class="reply" style=${`width:${Math.min(100,100*a/o)}%`}></span>`}</span>`}
        </span>
        <span class="figures">${A(o)}; реплика ${A(a)}; бэкенд ${A(n.backend_ms)}; LLM ${A(n.llm_ms)}${n.fallback?"; \u0437\u0430\u043F\u0430\u0441\u043D\u043E\u0439 \u043E\u0442\u0432\u0435\u0442":""}</span>
      </li>`})}</ol>`}function ht({callId:t}){let[e,n]=v(null),[o,a]=v(null),[r,l]=v(null),s=J(null);P(()=>{let m=!0,_=null;async function i(){try{let u=await I("GET",`/call/${t}`);if(!m)return;n(u),["completed","failed","no_answer","busy","rejected"].includes(u.status)||(_=setTimeout(i,2e3))}catch(u){m&&a(u)}}return i(),()=>{m=!1,clearTimeout(_)}},[t]);function f(m){let _=e.transcript,i=_.findIndex(p=>p.turn===m.turn&&(!m.who||p.who===m.who)&&p.text.includes(m.text.slice(0,20))),u=i>=0?i:_.findIndex(p=>p.turn===m.turn&&(!m.who||p.who===m.who));if(u<0)return;l(u);let $=s.current&&s.current.children[u];$&&($.scrollIntoView({block:"center"}),$.focus())}if(o)return d`<section class="card"><h2>Звонок</h2><${C} error=${o} /><p><a href="#/calls">← Все звонки</a></p></section>`;if(!e)return d`<section class="card"><p class="muted">Загрузка…</p></section>`;let g=e.transcript.length?e.transcript[0].t:0,c=e.summary||{};return d`
    <section class="card" aria-labelledby="detail-title">
      <p><a href="#/calls">← Все звонки</a></p>
      <h2 id="detail-title">Звонок ${L(e.engine)}: ${e.persona.name||e.persona.id}</h2>
      <dl class="facts">
        <dt>Идентификатор</dt><dd><code>${e.call_id}</code></dd>
        <dt>Статус</dt><dd>${Ee[e.status]||e.status}${e.end_reason?`, ${Te[e.end_reason]||e.end_reason}`:""}</dd>
        <dt>Начат (UTC)</dt><dd>${pt(e.created_at)}</dd>
        <dt>Длительность</dt><dd>${ft(e.duration_ms)}</dd>
        <dt>Метки</dt><dd>${Object.entries(e.labels||{}).map(([m,_])=>d`<span class="badge">${m}: ${_}</span> `)}${Object.keys(e.labels||{}).length?"":"\u2014"}</dd>
        <dt>Голос-в-голос</dt><dd>p50 ${A(c.voice_to_voice_ms&&c.voice_to_voice_ms.p50)}, p95 ${A(c.voice_to_voice_ms&&c.voice_to_voice_ms.p95)}</dd>
        <dt>Перебивания</dt><dd>${c.barge_ins??"\u2014"}</dd>
        ${e.fallback_reason&&d`<dt>Запасные ответы</dt><dd>${e.fallback_reason}</dd>`}
      </dl>
      <h3>Запись</h3>
      ${e.recording_url?d`<audio controls preload="none" src=${e.recording_url}></audio><p><a href=${e.recording_url} rel="noreferrer">Скачать запись</a></p>`:d`<p class="muted">Записи нет.</p>`}
      <h3>Расшифровка</h3>
      <ol class="transcript detail" ref=${s} aria-label="Расшифровка">
        ${e.transcript.map((m,_)=>d`<li tabindex="-1" class=${`line ${m.who}${r===_?" lit":""}`}>
          <span class="time">${Ce(m.t-g)}</span>
          <span class="who">${m.who==="client"?"\u041A\u043B\u0438\u0435\u043D\u0442":"\u041E\u043F\u0435\u0440\u0430\u0442\u043E\u0440"}</span>
          <span class="text">${m.text}${m.cut?d` <em class="tag">перебит</em>`:""}${m.barge_in?d` <em class="tag">перебивает</em>`:""}</span>
          <span class="v2v"></span></li>`)}
      </ol>
      <h3>Ходы</h3>
      <${Vt} turns=${e.turns||[]} />
      <h3>Оценка</h3>
      <${Bt} evaluation=${e.evaluation} jump=${f} />
      <h3>Ошибки</h3>
      ${(e.errors||[]).length===0&&!e.failure?d`<p class="muted">Ошибок нет.</p>`:d`<ul class="errors">
            ${e.failure&&d`<li>${e.failure.source}: ${e.failure.reason||e.failure.code}</li>`}
            ${(e.errors||[]).map(m=>d`<li>${m.where}${m.code?` (${m.code})`:""}: ${m.message}</li>`)}</ul>`}
    </section>`}function gt({onChanged:t}){let[e,n]=v(null),[o,a]=v(null),[r,l]=v(null),[s,f]=v(!1),[g,c]=v("");async function m(){try{let i=await I("GET","/settings");n(i),l(i.default_engine)}catch(i){a(i)}}P(()=>{m()},[]);async function _(i){i.preventDefault(),f(!0),a(null),c("");try{let u=await I("PUT","/settings/default_engine",{engine:r});n(u),c(`\u0414\u0432\u0438\u0436\u043E\u043A \u043F\u043E \u0443\u043C\u043E\u043B\u0447\u0430\u043D\u0438\u044E \u0442\u0435\u043F\u0435\u0440\u044C \xAB${L(u.default_engine)}\xBB.`),t()}catch(u){a(u)}finally{f(!1)}}return e?d`
    <section class="card" aria-labelledby="settings-title">
      <h2 id="settings-title">Настройки</h2>
      <h3>Маршрутизация сейчас</h3>
      <div class="table-wrap"><table>
        <thead><tr><th scope="col">Движок</th><th scope="col">Правило Voximplant</th><th scope="col">Сценарий</th></tr></thead>
        <tbody>
          ${R.map(i=>{let u=e.engines[i.id];return d`<tr><th scope="row">${i.label}${i.id===e.default_engine?d` <span class="badge">по умолчанию</span>`:""}</th>
              <td>${u?u.rule:d`<span class="error">не настроено</span>`}${u&&u.application_name?d` <span class="muted">(${u.application_name})</span>`:""}</td>
              <td>${u?u.scenario_name:"\u2014"}</td></tr>`})}
        </tbody>
      </table></div>
      <dl class="facts">
        <dt>Разрешённые направления</dt><dd>${e.allowed_prefixes.join(", ")||"\u043D\u0438\u043A\u0430\u043A\u0438\u0435"}</dd>
        <dt>Номер по умолчанию</dt><dd>${e.default_caller_id||"\u043D\u0435 \u0437\u0430\u0434\u0430\u043D"}</dd>
        <dt>Предел длительности</dt><dd>${e.max_call_duration_s} с</dd>
      </dl>
      <form onSubmit=${_}>
        <fieldset class="field">
          <legend>Движок по умолчанию для всех (${e.parameter})</legend>
          ${R.map(i=>d`<label class="radio"><input type="radio" name="default-engine" value=${i.id}
            checked=${r===i.id} onChange=${()=>l(i.id)} /> ${i.label}</label>`)}
        </fieldset>
        <button type="submit" class="primary" disabled=${s||r===e.default_engine}>${s?"\u0421\u043E\u0445\u0440\u0430\u043D\u044F\u0435\u043C\u2026":"\u0421\u043E\u0445\u0440\u0430\u043D\u0438\u0442\u044C"}</button>
        <p role="status" class="ok">${g}</p>
        <${C} error=${o} />
      </form>
      <h3>Кто и когда менял</h3>
      ${e.history.length===0?d`<p class="muted">Из консоли ещё ничего не меняли.</p>`:d`
        <div class="table-wrap"><table class="history">
          <thead><tr><th scope="col">Когда (UTC)</th><th scope="col">Кто</th><th scope="col">Было</th><th scope="col">Стало</th></tr></thead>
          <tbody>${e.history.map(i=>d`<tr><td>${i.at.replace("T"," ").replace("+00:00","")}</td><td>${i.who}</td>
            <td>${L(i.old)}</td><td>${L(i.new)}</td></tr>`)}</tbody>
        </table></div>`}
    </section>`:d`<section class="card"><h2>Настройки</h2>${o?d`<${C} error=${o} />`:d`<p class="muted">Загрузка…</p>`}</section>`}function Gt({onSignedIn:t}){let[e,n]=v(""),[o,a]=v(""),[r,l]=v(null),[s,f]=v(""),[g,c]=v(null),[m,_]=v(!1);async function i(u){u.preventDefault(),_(!0),c(null);try{let p=await rt(r?{username:e,new_password:s,session:r}:{username:e,password:o});Y(p),t()}catch($){$.code==="new_password_required"&&l($.body.session),c($)}finally{_(!1)}}return d`
    <main class="signin">
      <form class="card" onSubmit=${i} aria-labelledby="signin-title">
        <h1 id="signin-title">Виртуальный клиент</h1>
        <p class="muted">Войдите, чтобы звонить и смотреть звонки.</p>
        <div class="field"><label for="username">Имя пользователя</label>
          <input id="username" autocomplete="username" value=${e} onInput=${u=>n(u.target.value)} required /></div>
        ${r?d`<div class="field"><label for="new-password">Новый пароль</label>
              <input id="new-password" type="password" autocomplete="new-password" value=${s} onInput=${u=>f(u.target.value)} required /></div>`:d`<div class="field"><label for="password">Пароль</label>
              <input id="password" type="password" autocomplete="current-password" value=${o} onInput=${u=>a(u.target.value)} required /></div>`}
        <${C} error=${g} />
        <button type="submit" class="primary" disabled=${m}>${m?"\u0412\u0445\u043E\u0434\u0438\u043C\u2026":"\u0412\u043E\u0439\u0442\u0438"}</button>
      </form>
    </main>`}var Jt=[{id:"call",title:"\u0417\u0432\u043E\u043D\u043E\u043A",may:()=>!0},{id:"calls",title:"\u0417\u0432\u043E\u043D\u043A\u0438",may:()=>!0},{id:"settings",title:"\u041D\u0430\u0441\u0442\u0440\u043E\u0439\u043A\u0438",may:t=>t.permissions.includes("change_routing")}];function $t(){let[t,e]=location.hash.replace(/^#\/?/,"").split("/");return{tab:t||"call",id:e||null}}function Yt(){let[t,e]=v(ce()),[n,o]=v(null),[a,r]=v(null),[l,s]=v($t());P(()=>{ot(()=>{e(null),o(null)});let _=()=>s($t());return addEventListener("hashchange",_),()=>removeEventListener("hashchange",_)},[]);async function f(){try{o(await I("GET","/me")),r(null)}catch(_){r(_)}}if(P(()=>{t&&f()},[t]),!t)return d`<${Gt} onSignedIn=${()=>e(ce())} />`;if(!n)return d`<main class="page">${a?d`<${C} error=${a} />`:d`<p class="muted">Загрузка…</p>`}</main>`;let g=Jt.filter(_=>_.may(n)),c=g.find(_=>_.id===l.tab)?l.tab:"call";function m(){Y(null),e(null),o(null)}return d`
    <header class="top">
      <span class="brand">Виртуальный клиент</span>
      <nav aria-label="Разделы"><ul>
        ${g.map(_=>d`<li><a href=${`#/${_.id}`} aria-current=${_.id===c?"page":void 0}>${_.title}</a></li>`)}
      </ul></nav>
      <span class="who">${n.username} · ${st[n.role]||n.role}
        <button type="button" class="linklike" onClick=${m}>Выйти</button></span>
    </header>
    <main class="page">
      ${c==="call"&&d`<${dt} me=${n} />`}
      ${c==="calls"&&!l.id&&d`<${mt} me=${n} />`}
      ${c==="calls"&&l.id&&d`<${ht} key=${l.id} callId=${l.id} />`}
      ${c==="settings"&&d`<${gt} onChanged=${f} />`}
    </main>`}ze(d`<${Yt} />`,document.getElementById("app"));})();
